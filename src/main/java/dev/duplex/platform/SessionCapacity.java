package dev.duplex.platform;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How many WebSocket sessions this server can hold, sized at start from what it really has: the
 * configured {@code duplex.limits.max-sessions} is only a ceiling. Each session is one open socket
 * (a file descriptor) and some heap, so the effective limit is the smallest of
 * <ul>
 * <li>the ceiling (when it is not 0),</li>
 * <li>the process's soft {@code RLIMIT_NOFILE} ({@code ulimit -n}) minus the descriptors already
 *     open at start (jars, logs, listeners, Hazelcast) minus a headroom for everything else that
 *     needs one while sessions are open (HTTP requests, handshakes being answered or refused,
 *     files): a server whose sessions take every descriptor can no longer even refuse,</li>
 * <li>the share of the heap that idle sessions may take, divided by the heap an idle session
 *     holds (measured: 26-33 KiB on Payara 6.2025.10, mostly Grizzly's state of the upgrade
 *     request; 51 KB each for 3 000 sessions opened in one burst, part of it buffers the burst grew
 *     that stay after the sessions close).</li>
 * </ul>
 * Plain Java: the figures are passed in; {@link #fileDescriptorLimit()} and
 * {@link #openFileDescriptors()} read them from the running JVM.
 *
 * @param effective      the limit sessions are admitted under (at least 1)
 * @param limitedBy      what set it: {@code "max-sessions"}, {@code "file descriptors"} or {@code "heap"}
 * @param reason         one line that shows the arithmetic, for the start log and {@code /api/status}
 */
public record SessionCapacity(int effective, int ceiling, int byFileDescriptors, int byHeap, String limitedBy, String reason) {

    /** Headroom is at most this share of the descriptors left after start, so that a low ulimit still admits sessions. */
    static final double MAX_HEADROOM_SHARE = 0.25;

    /**
     * @param ceiling          {@code duplex.limits.max-sessions}; 0: no ceiling of its own
     * @param fdLimit          the soft limit on open file descriptors; negative when unknown
     * @param fdsAtStart       descriptors open now; negative when unknown (then 0 is assumed)
     * @param fdHeadroom       descriptors kept free besides those ({@code duplex.limits.fd-headroom}),
     *                         at most {@value #MAX_HEADROOM_SHARE} of what the limit leaves after start
     * @param maxHeap          the JVM's maximum heap in bytes; not positive when unknown
     * @param heapFraction     the share of the heap idle sessions may hold ({@code duplex.limits.session-heap-fraction}); 0: no heap term
     * @param bytesPerSession  heap one idle session holds ({@code duplex.limits.session-heap-bytes}); 0: no heap term
     */
    public static SessionCapacity size(int ceiling, long fdLimit, long fdsAtStart, long fdHeadroom, long maxHeap,
            double heapFraction, long bytesPerSession) {
        List<String> terms = new ArrayList<>();
        long best = Long.MAX_VALUE;
        String limitedBy = "none";
        if (ceiling > 0) {
            best = ceiling;
            limitedBy = "max-sessions";
            terms.add("max-sessions " + ceiling);
        }
        int byFds = -1;
        if (fdLimit > 0 && fdLimit < Integer.MAX_VALUE) {
            long open = Math.max(0, fdsAtStart);
            long left = Math.max(0, fdLimit - open);
            long headroom = Math.min(Math.max(0, fdHeadroom), (long) (left * MAX_HEADROOM_SHARE));
            byFds = (int) Math.max(0, left - headroom);
            terms.add("file descriptors " + fdLimit + " (ulimit -n) - " + open + " open at start - " + headroom + " headroom = " + byFds);
            if (byFds < best) {
                best = byFds;
                limitedBy = "file descriptors";
            }
        } else {
            terms.add("file descriptor limit unknown");
        }
        int byHeap = -1;
        if (maxHeap > 0 && maxHeap != Long.MAX_VALUE && heapFraction > 0 && bytesPerSession > 0) {
            byHeap = (int) Math.min(Integer.MAX_VALUE, (long) (maxHeap * heapFraction) / bytesPerSession);
            terms.add(String.format(Locale.ROOT, "heap %.2f x %d MiB / %d B per idle session = %d",
                    heapFraction, maxHeap >> 20, bytesPerSession, byHeap));
            if (byHeap < best) {
                best = byHeap;
                limitedBy = "heap";
            }
        }
        int effective = best == Long.MAX_VALUE ? 0 : (int) Math.max(1, best);
        String reason = (effective == 0 ? "no limit" : effective + ", set by " + limitedBy) + " (" + String.join("; ", terms) + ")";
        return new SessionCapacity(effective, ceiling, byFds, byHeap, limitedBy, reason);
    }

    /** The process's soft limit on open file descriptors, or -1 when the JVM cannot tell. */
    public static long fileDescriptorLimit() {
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
        } catch (RuntimeException | LinkageError e) {
            System.getLogger(SessionCapacity.class.getName()).log(System.Logger.Level.DEBUG, () -> "no descriptor limit: " + e);
        }
        return -1;
    }

    /** The descriptors the process has open now, or -1 when the JVM cannot tell. */
    public static long openFileDescriptors() {
        try {
            OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getOpenFileDescriptorCount();
            }
        } catch (RuntimeException | LinkageError e) {
            System.getLogger(SessionCapacity.class.getName()).log(System.Logger.Level.DEBUG, () -> "no descriptor count: " + e);
        }
        return -1;
    }
}
