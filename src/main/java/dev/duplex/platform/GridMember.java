package dev.duplex.platform;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.lang.System.Logger.Level;

/**
 * The Hazelcast member the application starts itself ({@code duplex.cluster.*}) on a server with
 * no data grid of its own. It joins by TCP/IP only (multicast and every cloud discovery off),
 * listens on the configured address alone, never phones home, registers no JVM shutdown hook (the
 * application shuts it down when it stops) and runs no metrics collection.
 *
 * <p>On Payara (parent-first class loading) the server's Hazelcast classes are the ones used even
 * though the WAR carries its own jar: one set of Hazelcast classes per JVM, no conflict.
 */
final class GridMember {

    private static final System.Logger LOG = System.getLogger(GridMember.class.getName());

    private GridMember() {
    }

    /**
     * Starts a member and waits until it joined the cluster or, finding none of the listed members,
     * formed one of its own.
     *
     * @throws IllegalStateException when it could not start
     */
    static HazelcastInstance start(GridSettings settings) {
        LOG.log(Level.INFO, "Starting this application''s Hazelcast member: cluster {0}, {1} port {2} (+{3}), members {4}",
                settings.name(), settings.bind(), String.valueOf(settings.port()), String.valueOf(settings.portCount() - 1),
                settings.members());
        // Hazelcast looks its extensions up (ServiceLoader, resources) through the configuration's
        // class loader and the thread's context class loader. On Payara the WAR's loader sees the
        // server's Hazelcast (parent-first) and the WAR's own jar: a mix of two versions (on Payara
        // Micro 7, 5.7.0 classes with 5.3.8 resources: SEVERE UnsupportedOperationException from
        // the CP subsystem at start). Hazelcast's own loader sees one version only, and the
        // member's threads, which inherit the context loader, then hold no reference to the
        // application's loader either.
        ClassLoader hazelcastLoader = Config.class.getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(hazelcastLoader);
        try {
            HazelcastInstance member = Hazelcast.newHazelcastInstance(config(settings).setClassLoader(hazelcastLoader));
            LOG.log(Level.INFO, "This application''s Hazelcast member {0} runs in a cluster of {1}",
                    member.getCluster().getLocalMember(), member.getCluster().getMembers().size());
            return member;
        } catch (RuntimeException e) {
            throw new IllegalStateException("duplex.cluster: the Hazelcast member could not start on " + settings.bind()
                    + " ports " + settings.port() + "-" + (settings.port() + settings.portCount() - 1) + ": " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Shuts the member down (it hands its partitions to the others first). */
    static void shutDown(HazelcastInstance member) {
        try {
            String name = member.getName();
            member.shutdown();
            LOG.log(Level.INFO, "This application''s Hazelcast member {0} is shut down", name);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not shut this application''s Hazelcast member down cleanly", e);
        }
    }

    /** The member's configuration. */
    static Config config(GridSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.name());
        config.setInstanceName("duplex-" + settings.name() + "-" + Long.toHexString(System.nanoTime()));
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.getMetricsConfig().setEnabled(false);
        config.getJetConfig().setEnabled(false);
        NetworkConfig network = config.getNetworkConfig()
                .setPort(settings.port())
                .setPortAutoIncrement(settings.portCount() > 1)
                .setPortCount(settings.portCount());
        network.getInterfaces().setEnabled(true).addInterface(settings.bind());
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        return config;
    }
}
