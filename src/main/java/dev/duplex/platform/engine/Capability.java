package dev.duplex.platform.engine;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One thing Duplex gets from the WebSocket engine beyond the Jakarta WebSocket API (a reach into
 * Tyrus or Grizzly internals), and whether it works on this server: {@link State#ACTIVE},
 * {@link State#INACTIVE} with the reason (Duplex then runs its standard fallback), or
 * {@link State#UNTESTED} while it can only be proven on a real session and none has come yet.
 *
 * <p>A capability is either told what happened ({@link #active}, {@link #inactive}) by the code
 * that uses the engine, or asks a probe each time it is read ({@link Engine#probe}). A change of
 * state is logged once: INFO when it becomes active, WARNING when it becomes inactive. Thread-safe.
 */
public final class Capability {

    private static final System.Logger LOG = System.getLogger(Capability.class.getName());

    /** Whether a capability works. */
    public enum State {
        ACTIVE, INACTIVE, UNTESTED;

        /** The name used in logs and {@code /api/status}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The state of a capability and what it means here (how it works, or why it does not). */
    public record Status(State state, String detail) {
        public Status {
            Objects.requireNonNull(state);
            detail = detail == null ? "" : detail;
        }

        public static Status active(String how) {
            return new Status(State.ACTIVE, how);
        }

        public static Status inactive(String why) {
            return new Status(State.INACTIVE, why);
        }

        public static Status untested(String what) {
            return new Status(State.UNTESTED, what);
        }
    }

    private final String name;
    private final String fallback;
    private volatile Status status;
    private volatile Supplier<Status> probe;

    Capability(String name, String fallback, Status initial) {
        this.name = name;
        this.fallback = fallback;
        this.status = initial;
    }

    public String name() {
        return name;
    }

    /** What Duplex does instead while the capability is inactive. */
    public String fallback() {
        return fallback;
    }

    /** The state now; a probe, when one is set, is asked each time (its failure makes it inactive). */
    public Status status() {
        Supplier<Status> check = probe;
        if (check == null) {
            return status;
        }
        Status now;
        try {
            now = Objects.requireNonNull(check.get(), "probe answered null");
        } catch (RuntimeException | LinkageError e) {
            now = Status.inactive("probe failed: " + e);
        }
        record(now);
        return now;
    }

    public boolean isActive() {
        return status().state() == State.ACTIVE;
    }

    /** Says that the capability worked (logged when this is news). */
    public void active(String how) {
        record(Status.active(how));
    }

    /** Says that the capability does not work here and why (logged as a warning when this is news). */
    public void inactive(String why) {
        record(Status.inactive(why));
    }

    void untested(String what) {
        record(Status.untested(what));
    }

    void probe(Supplier<Status> check) {
        this.probe = check;
    }

    private void record(Status now) {
        Status before = status;
        if (before.equals(now)) {
            return;
        }
        synchronized (this) {
            before = status;
            status = now;
        }
        if (before.state() == now.state()) {
            return; // only the detail changed: not news for the log
        }
        if (now.state() == State.INACTIVE) {
            LOG.log(Level.WARNING, "Engine capability {0} is inactive: {1}; instead {2}", name, now.detail(), fallback);
        } else if (now.state() == State.ACTIVE) {
            LOG.log(Level.INFO, "Engine capability {0} is active: {1}", name, now.detail());
        }
    }

    /** The line logged at start for this capability. */
    String reportLine() {
        Status now = status();
        return switch (now.state()) {
            case ACTIVE -> "Engine capability " + name + ": active (" + now.detail() + ")";
            case UNTESTED -> "Engine capability " + name + ": untested (" + now.detail() + ")";
            case INACTIVE -> "Engine capability " + name + ": INACTIVE (" + now.detail() + "); instead " + fallback;
        };
    }
}
