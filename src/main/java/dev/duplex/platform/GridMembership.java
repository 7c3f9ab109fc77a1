package dev.duplex.platform;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.lang.System.Logger.Level;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What every clustered part (chat, feed, draw, game) does with the data grid's membership and its
 * {@link DataGrid.Lease}: log who joins and leaves, react when a member leaves, and take both back
 * on undeploy without throwing. Payara's Hazelcast outlives a deployment, so anything left
 * registered on it would run in the next one (issue 19's redeploy hygiene; {@code GridClusterIT}).
 *
 * <p>The close path runs no lambda and loads no class it has not used before: on Payara the
 * application's class loader may already refuse new classes while CDI destroys the beans.
 */
public final class GridMembership {

    private static final System.Logger LOG = System.getLogger(GridMembership.class.getName());

    private GridMembership() {
    }

    /**
     * Registers a membership listener that logs "{@code <Part>} cluster member joined/left: …; N
     * instances" and hands a departed member's UUID to {@code left}, both only while {@code open}.
     *
     * @param part as the log names it, capitalised ("Chat", "Feed", "Draw", "Game")
     * @return the registration, for {@link #unwatch}
     */
    public static UUID watch(HazelcastInstance hazelcast, String part, BooleanSupplier open, Consumer<String> left) {
        return hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                if (open.getAsBoolean()) {
                    LOG.log(Level.INFO, "{0} cluster member joined: {1}; {2} instances", part, event.getMember(),
                            event.getMembers().size());
                }
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                if (open.getAsBoolean()) {
                    LOG.log(Level.INFO, "{0} cluster member left: {1}; {2} instances", part, event.getMember(),
                            event.getMembers().size());
                    left.accept(event.getMember().getUuid().toString());
                }
            }
        });
    }

    /** Removes a {@link #watch} registration (none: nothing to do); a failure is logged, never thrown. */
    public static void unwatch(HazelcastInstance hazelcast, UUID registration, String part) {
        if (registration == null) {
            return;
        }
        try {
            hazelcast.getCluster().removeMembershipListener(registration);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not remove the {0} membership listener: {1}", part, e.toString());
        }
    }

    /** Closes a part's data grid lease, last; a failure is logged, never thrown. */
    public static void giveBack(AutoCloseable lease, String part) {
        try {
            lease.close();
        } catch (Exception | LinkageError e) {
            LOG.log(Level.WARNING, "Could not give the " + part + " data grid lease back", e);
        }
    }
}
