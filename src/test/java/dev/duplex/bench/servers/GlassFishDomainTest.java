package dev.duplex.bench.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlassFishDomainTest {

    /** The parts of GlassFish 8.0.0's default domain.xml that the preparation changes, as they stand there. */
    private static final String DEFAULT = """
            <domain>
              <admin-service><jmx-connector address="0.0.0.0" port="8686" name="system"/></admin-service>
              <jms-host name="default_JMS_host" port="7676"/><property name="JMS_PROVIDER_PORT" value="7676"/>
              <iiop-listener address="0.0.0.0" port="3700" id="orb-listener-1"/>
              <iiop-listener address="0.0.0.0" port="3820" id="SSL"/>
              <iiop-listener address="0.0.0.0" port="3920" id="SSL_MUTUALAUTH"/>
              <network-listener port="8080" protocol="http-listener-1" name="http-listener-1"/>
              <network-listener port="8181" protocol="http-listener-2" name="http-listener-2"/>
              <network-listener port="4848" protocol="admin-listener" name="admin-listener"/>
              <java-config><jvm-options>-Xmx512m</jvm-options><jvm-options>-server</jvm-options></java-config>
            </domain>
            """;

    @Test
    void everyListenerIsOnLoopbackAndHttpAndAdminAreOnTheGivenPorts(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("domain.xml");
        Files.writeString(xml, DEFAULT);
        GlassFishDomain.prepare(xml, 18080, 14848, List.of("-Xmx1g", "-Dduplex.limits.message-rate=300"));
        String out = Files.readString(xml);
        assertTrue(out.contains("address=\"127.0.0.1\" port=\"18080\" protocol=\"http-listener-1\""), out);
        assertTrue(out.contains("address=\"127.0.0.1\" port=\"14848\" protocol=\"admin-listener\""), out);
        assertFalse(out.contains("0.0.0.0"), "nothing listens on every interface: " + out);
        for (String old : List.of("8080", "8181", "4848", "3700", "3820", "3920", "8686")) {
            assertFalse(out.contains("port=\"" + old + "\""), "default port " + old + " moved: " + out);
        }
        Matcher network = Pattern.compile("<network-listener (address=\"127\\.0\\.0\\.1\" )?port=").matcher(out);
        int listeners = 0;
        while (network.find()) {
            assertTrue(network.group(1) != null, "every HTTP listener is bound to loopback: " + out);
            listeners++;
        }
        assertEquals(3, listeners);
        assertTrue(out.contains("<property name=\"JMS_PROVIDER_PORT\" value=\"") && !out.contains("value=\"7676\""), out);
        assertTrue(out.contains("<jvm-options>-Xmx1g</jvm-options><jvm-options>-Dduplex.limits.message-rate=300</jvm-options>"
                + "<jvm-options>-server</jvm-options>"), "the options replace the default heap, the rest stays: " + out);
        assertFalse(out.contains("-Xmx512m"), out);
    }

    @Test
    void aFileThatIsNotTheDefaultDomainIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path xml = dir.resolve("domain.xml");
        String prepared = DEFAULT.replace("-Xmx512m", "-Xmx1g");
        Files.writeString(xml, prepared);
        assertThrows(IllegalArgumentException.class, () -> GlassFishDomain.prepare(xml, 18080, 14848, List.of("-Xmx1g")));
        assertEquals(prepared, Files.readString(xml));
    }
}
