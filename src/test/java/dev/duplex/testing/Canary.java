package dev.duplex.testing;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A well-behaved client on its own connection that echoes a numbered message every few
 * milliseconds while the test abuses the server elsewhere. It records what went wrong (a missing,
 * late or out-of-order echo, a close) instead of asserting on its thread; the test reads
 * {@link #problems()} afterwards.
 */
public final class Canary implements AutoCloseable {

    private final WsClient client;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();

    private Canary(URI echo) throws Exception {
        client = WsClient.connect(echo);
        thread = new Thread(this::run, "canary");
        thread.setDaemon(true);
        thread.start();
    }

    public static Canary start(URI echo) throws Exception {
        return new Canary(echo);
    }

    private void run() {
        long n = 0;
        while (running.get()) {
            String message = "canary " + n++;
            try {
                long sent = System.nanoTime();
                client.sendText(message);
                String reply = client.nextText();
                long took = System.nanoTime() - sent;
                slowestNanos.accumulateAndGet(took, Math::max);
                if (!message.equals(reply)) {
                    problems.add("sent \"" + message + "\", got " + (reply == null ? "nothing" : "\"" + reply + "\""));
                    return;
                }
                echoes.incrementAndGet();
                Thread.sleep(5);
            } catch (Exception e) {
                problems.add("after " + echoes.get() + " echoes: " + e);
                return;
            }
        }
    }

    /** Echoes received, all in order. */
    public long echoes() {
        return echoes.get();
    }

    /** The longest round trip, in milliseconds. */
    public long slowestMillis() {
        return slowestNanos.get() / 1_000_000;
    }

    /** Everything that went wrong; empty when every echo came back in order. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Stops after the echo in flight; returns whether the canary was still healthy. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(30_000);
        if (client.isClosed()) {
            problems.add("the canary's session was closed");
        }
        client.close();
    }
}
