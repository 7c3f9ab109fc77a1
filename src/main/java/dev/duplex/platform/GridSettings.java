package dev.duplex.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code duplex.cluster.*} keys: the Hazelcast member the application starts itself on a
 * server that has no data grid of its own (WildFly, GlassFish, Open Liberty, Payara Micro with
 * {@code --nohazelcast}). Members find each other by TCP/IP only, never multicast.
 *
 * @param members   where the other members are ({@code host} or {@code host:port}); empty: no
 *                  member is started and the instance runs alone
 * @param port      the first port the member tries to listen on
 * @param portCount how many ports from {@code port} on it tries (and where it looks for a member
 *                  given without a port)
 * @param name      the cluster's name: members of other clusters are refused
 * @param bind      the address (or Hazelcast interface pattern such as {@code 10.0.0.*}) the member
 *                  listens on and announces; nothing else is bound
 */
public record GridSettings(List<String> members, int port, int portCount, String name, String bind) {

    /** A host name, an IPv4 address or range ({@code 10.0.0.1-9}), an IPv4 pattern or an IPv6 address in brackets, optionally with a port. */
    private static final Pattern MEMBER = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.*-]+)(:(\\d{1,5}))?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern BIND = Pattern.compile("[0-9A-Fa-f:.*-]{1,64}");

    public GridSettings {
        members = List.copyOf(members);
        for (String member : members) {
            var matcher = MEMBER.matcher(member);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("duplex.cluster.members: \"" + member
                        + "\" is not host, host:port, an IPv4 range or pattern, or [IPv6]:port");
            }
            if (matcher.group(3) != null) {
                checkPort("duplex.cluster.members (" + member + ")", Integer.parseInt(matcher.group(3)));
            }
        }
        checkPort("duplex.cluster.port", port);
        if (portCount < 1 || portCount > 100 || port + portCount - 1 > 65535) {
            throw new IllegalArgumentException("duplex.cluster.port-count: " + portCount
                    + " must be between 1 and 100 and keep the ports below 65536 (port " + port + ")");
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("duplex.cluster.name: \"" + name + "\" must be 1 to 64 of A-Z a-z 0-9 _ . -");
        }
        if (bind == null || !BIND.matcher(bind).matches()) {
            throw new IllegalArgumentException("duplex.cluster.bind: \"" + bind
                    + "\" must be one IP address or a Hazelcast interface pattern such as 10.0.0.*");
        }
    }

    /**
     * The settings from the configuration's text.
     *
     * @param members comma- or space-separated, e.g. {@code 127.0.0.1, 10.0.0.2:5711}; absent or
     *                blank: no member
     */
    public static GridSettings parse(Optional<String> members, int port, int portCount, String name, String bind) {
        List<String> list = new ArrayList<>();
        for (String member : members.orElse("").split("[,\\s]+")) {
            if (!member.isEmpty()) {
                list.add(member);
            }
        }
        return new GridSettings(list, port, portCount, name == null ? null : name.strip(), bind == null ? null : bind.strip());
    }

    /** True when the application is to start a member (members are listed). */
    public boolean enabled() {
        return !members.isEmpty();
    }

    private static void checkPort(String key, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(key + ": port " + port + " is not between 1 and 65535");
        }
    }
}
