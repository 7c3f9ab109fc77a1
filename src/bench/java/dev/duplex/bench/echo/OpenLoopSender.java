package dev.duplex.bench.echo;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.net.Conn;
import java.util.concurrent.TimeUnit;

/**
 * Sends one connection's open-loop messages on its event loop: at each wake-up, every message
 * that is due by now (so a late wake-up sends the backlog at once, each still timed from its own
 * intended time), one flush, then a timer for the next due message. Stops when the measurement
 * stops sending, the connection closes, or the sender refuses a message.
 */
public final class OpenLoopSender {

    /** Sends message {@code seq}, due at {@code intended}; false stops this connection's sending. */
    public interface Send {
        boolean send(long seq, long intended);
    }

    private final Conn conn;
    private final Measurement measurement;
    private final OpenLoopSchedule schedule;
    private final Send send;
    private long next;

    public OpenLoopSender(Conn conn, Measurement measurement, OpenLoopSchedule schedule, Send send) {
        this.conn = conn;
        this.measurement = measurement;
        this.schedule = schedule;
        this.send = send;
    }

    /** Starts sending; call on the connection's event loop. */
    public void start() {
        tick();
    }

    private void tick() {
        if (!measurement.sending() || !conn.isOpen()) {
            return;
        }
        long due = schedule.dueBy(System.nanoTime());
        boolean any = false;
        while (next < due && measurement.sending()) {
            if (!send.send(next, schedule.intended(next))) {
                if (any) {
                    conn.flush();
                }
                return;
            }
            next++;
            any = true;
        }
        if (any) {
            conn.flush();
        }
        long wait = schedule.intended(next) - System.nanoTime();
        conn.eventLoop().schedule(this::tick, Math.max(0, wait), TimeUnit.NANOSECONDS);
    }
}
