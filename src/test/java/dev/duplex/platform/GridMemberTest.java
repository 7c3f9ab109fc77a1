package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The member's configuration, without starting it: TCP/IP on the configured address only, nothing else. */
class GridMemberTest {

    private final GridSettings settings = GridSettings.parse(Optional.of("127.0.0.1, 127.0.0.1:5801"), 5790, 3, "duplex-test",
            "127.0.0.1");

    @Test
    void joinsByTcpIpOnlyWithTheListedMembers() {
        JoinConfig join = GridMember.config(settings).getNetworkConfig().getJoin();
        assertFalse(join.getMulticastConfig().isEnabled());
        assertFalse(join.getAutoDetectionConfig().isEnabled());
        assertFalse(join.getAwsConfig().isEnabled() || join.getGcpConfig().isEnabled() || join.getAzureConfig().isEnabled()
                || join.getKubernetesConfig().isEnabled() || join.getEurekaConfig().isEnabled());
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1", "127.0.0.1:5801"), join.getTcpIpConfig().getMembers());
    }

    @Test
    void listensOnTheConfiguredAddressAndPortsAlone() {
        Config config = GridMember.config(settings);
        NetworkConfig network = config.getNetworkConfig();
        assertEquals(5790, network.getPort());
        assertEquals(3, network.getPortCount());
        assertTrue(network.isPortAutoIncrement());
        assertTrue(network.getInterfaces().isEnabled());
        assertEquals(List.of("127.0.0.1"), List.copyOf(network.getInterfaces().getInterfaces()));
        assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
        assertEquals("duplex-test", config.getClusterName());
    }

    @Test
    void leavesNoHookAndSendsNothingHome() {
        Config config = GridMember.config(settings);
        assertEquals("false", config.getProperty("hazelcast.shutdownhook.enabled"));
        assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
        assertFalse(config.getMetricsConfig().isEnabled());
        assertFalse(config.getJetConfig().isEnabled());
        assertFalse(config.getNetworkConfig().getRestApiConfig().isEnabled());
    }

    @Test
    void oneConfiguredPortMeansNoAutoIncrement() {
        GridSettings one = GridSettings.parse(Optional.of("127.0.0.1:5791"), 5790, 1, "duplex", "127.0.0.1");
        assertFalse(GridMember.config(one).getNetworkConfig().isPortAutoIncrement());
    }
}
