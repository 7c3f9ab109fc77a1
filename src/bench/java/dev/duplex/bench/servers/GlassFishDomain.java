package dev.duplex.bench.servers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes a copy of GlassFish 8's {@code domain1} ready for a run on loopback: HTTP and admin on the
 * given ports, every other listener (HTTPS, IIOP, JMX, JMS) on a free port, all bound to 127.0.0.1,
 * and the JVM options in place of the default {@code -Xmx512m}. The server matrix
 * ({@code ServerKind.GLASSFISH}) and the bench scripts ({@code src/bench/lib.sh}) both start
 * GlassFish through it, so the two start the same server.
 */
public final class GlassFishDomain {

    /** The default domain's ports other than HTTP (8080), HTTPS (8181) and admin (4848). */
    private static final List<String> OTHER_PORTS = List.of("3700", "3820", "3920", "8686");

    private GlassFishDomain() {
    }

    /** Rewrites {@code domainXml} (the copy's {@code config/domain.xml}) in place. */
    public static void prepare(Path domainXml, int http, int admin, List<String> jvmOptions) throws IOException {
        Files.writeString(domainXml, prepared(Files.readString(domainXml, StandardCharsets.UTF_8), http, admin, jvmOptions),
                StandardCharsets.UTF_8);
    }

    static String prepared(String xml, int http, int admin, List<String> jvmOptions) throws IOException {
        String heap = "<jvm-options>-Xmx512m</jvm-options>";
        if (!xml.contains(heap) || !xml.contains("port=\"8080\"") || !xml.contains("port=\"4848\"")) {
            throw new IllegalArgumentException("not GlassFish 8's default domain.xml (no -Xmx512m, 8080 or 4848 in it)");
        }
        String out = xml.replace("port=\"8080\"", "address=\"127.0.0.1\" port=\"" + http + "\"")
                .replace("port=\"8181\"", "address=\"127.0.0.1\" port=\"" + freePort() + "\"")
                .replace("port=\"4848\"", "address=\"127.0.0.1\" port=\"" + admin + "\"");
        for (String port : OTHER_PORTS) {
            out = out.replace("port=\"" + port + "\"", "port=\"" + freePort() + "\"");
        }
        return out.replace("name=\"JMS_PROVIDER_PORT\" value=\"7676\"", "name=\"JMS_PROVIDER_PORT\" value=\"" + freePort() + "\"")
                .replace("address=\"0.0.0.0\"", "address=\"127.0.0.1\"")
                .replace(heap, jvmOptions.stream().map(option -> "<jvm-options>" + option + "</jvm-options>")
                        .collect(Collectors.joining()));
    }

    /** A port free on 127.0.0.1 now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code GlassFishDomain DOMAIN_XML HTTP_PORT ADMIN_PORT [JVM_OPTION...]}, for the bench scripts. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: GlassFishDomain DOMAIN_XML HTTP_PORT ADMIN_PORT [JVM_OPTION...]");
            System.exit(2);
        }
        prepare(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                Arrays.asList(args).subList(3, args.length));
    }
}
