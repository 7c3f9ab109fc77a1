package dev.duplex.bench.net;

import dev.duplex.bench.Measurement;
import dev.duplex.bench.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Opens many connections with a bounded number of handshakes in flight at once. */
public final class Connector {

    private Connector() {
    }

    /** How one connection should be opened: where to, with which subprotocol and limits. */
    public record Spec(Target target, String subprotocol, int maxMessageBytes, int rawMessageBytes) {
    }

    /**
     * Opens {@code count} connections, {@code concurrency} handshakes at a time; failures are counted
     * in {@code measurement} under their cause and leave a null in the list.
     *
     * @param specs the spec of connection i (lets a fan-out spread its members over two servers)
     * @param listeners the listener of connection i
     */
    public static List<Conn> openAll(Transport transport, int count, int concurrency, IntFunction<Spec> specs,
            IntFunction<Conn.Listener> listeners, Measurement measurement, long timeoutMillis)
            throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        List<Conn> conns = new ArrayList<>(count);
        List<java.util.concurrent.CompletableFuture<Conn>> futures = new ArrayList<>(count);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int i = 0; i < count; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !permits.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                measurement.error("connect: timed out opening " + count + " connections");
                for (int rest = i; rest < count; rest++) {
                    futures.add(null);
                }
                break;
            }
            Spec spec = specs.apply(i);
            var future = transport.connect(spec.target(), spec.subprotocol(), spec.maxMessageBytes(),
                    spec.rawMessageBytes(), listeners.apply(i));
            future.whenComplete((c, e) -> permits.release());
            futures.add(future);
        }
        for (var future : futures) {
            if (future == null) {
                conns.add(null);
                continue;
            }
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                conns.add(future.get(left, TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.ExecutionException | CompletionException e) {
                measurement.error("connect: " + describe(e.getCause()));
                conns.add(null);
            } catch (java.util.concurrent.TimeoutException e) {
                measurement.error("connect: timed out");
                conns.add(null);
            }
        }
        return conns;
    }

    /** A short description of a connection failure, without stack trace. */
    public static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        message = message.replaceAll("\\s+", " ");
        if (message.length() > 120) {
            message = message.substring(0, 120) + "...";
        }
        return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** Closes every connection and waits briefly for them to go. */
    public static void closeAll(List<Conn> conns, long waitMillis) throws InterruptedException {
        for (Conn conn : conns) {
            if (conn != null) {
                conn.close();
            }
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        for (Conn conn : conns) {
            while (conn != null && conn.isOpen() && System.nanoTime() < until) {
                Thread.sleep(5);
            }
        }
    }
}
