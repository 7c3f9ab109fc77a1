package dev.duplex.platform;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads HTTP request bodies without holding a worker thread: Servlet async I/O
 * ({@code startAsync} and a {@link ReadListener}), so a client that trickles its body costs a
 * connection and the bytes it sent, not one of the container's request threads. Each body has a
 * total deadline ({@code duplex.http.body-timeout-seconds}) and a minimum average rate
 * ({@code duplex.http.min-body-rate-bytes}, from one second in; {@link BodyReader}), checked as
 * bytes arrive and by one shared sweep thread every {@link #SWEEP_MILLIS} ms, so that the deadline
 * also fires when nothing more comes. At most {@code duplex.http.max-bodies} bodies are read at
 * once, at most {@code duplex.http.max-bodies-per-address} from one client address
 * ({@link BodyReads}).
 *
 * <p>The answers, given to the caller's {@link Answer} as a {@link Outcome.Refused}, every one with
 * {@code Connection: close} (the rest of the body is never read, so the connection cannot carry
 * another request and is closed, its file descriptor with it):
 * <ul>
 * <li><b>408</b> {@code request-timeout}: the body was not complete within the deadline, or
 * arrived slower than the rate (refusal reason {@code body timeout});</li>
 * <li><b>413</b> {@code payload-too-large}: more bytes than the caller's limit were announced or
 * arrived (at most one chunk of at most 4 KiB past the limit is read);</li>
 * <li><b>503</b> {@code server-busy} with {@code Retry-After: 1}: the server reads
 * {@code max-bodies} already; <b>429</b> {@code too-many-requests} with {@code Retry-After: 1}:
 * this address has {@code max-bodies-per-address} in flight (refusal reason
 * {@code bodies in flight}).</li>
 * </ul>
 * A body that arrives whole is handed over as an {@link Outcome.Body} on a container thread; the
 * answer the caller writes then ends the request. A client that goes away mid-body gets nothing.
 */
@ApplicationScoped
public class RequestBodies {

    private static final System.Logger LOG = System.getLogger(RequestBodies.class.getName());
    /** How often the sweep checks the bodies in flight: the deadline fires at most this late. */
    static final long SWEEP_MILLIS = 250;
    /** The largest read from the stream at once, so a body's overshoot past its limit is at most this. */
    static final int CHUNK = 4096;

    /** What became of a body. */
    public sealed interface Outcome {
        /** The whole body, within every limit. */
        record Body(byte[] bytes) implements Outcome {
        }

        /** Refused; {@code Connection: close} is already set on the response. */
        record Refused(int status, String error, String message, Map<String, String> headers) implements Outcome {
        }
    }

    /** Writes the response for an outcome (status, headers, body); the request ends after it. */
    @FunctionalInterface
    public interface Answer {
        void send(Outcome outcome, HttpServletResponse response) throws IOException;
    }

    @Inject
    @ConfigProperty(name = "duplex.http.body-timeout-seconds", defaultValue = "10")
    long timeoutSeconds;

    @Inject
    @ConfigProperty(name = "duplex.http.min-body-rate-bytes", defaultValue = "1024")
    long minBytesPerSecond;

    @Inject
    @ConfigProperty(name = "duplex.http.max-bodies", defaultValue = "256")
    int maxBodies;

    @Inject
    @ConfigProperty(name = "duplex.http.max-bodies-per-address", defaultValue = "16")
    int maxBodiesPerAddress;

    @Inject
    Connections connections;

    private BodyReads reads;
    private ScheduledExecutorService sweeper;

    @PostConstruct
    void start() {
        reads = new BodyReads(new BodyReads.Bounds(maxBodies, maxBodiesPerAddress), System::nanoTime);
        sweeper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-body-sweep"));
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "Request bodies are read without blocking: complete within " + timeoutSeconds + " s, at least "
                + minBytesPerSecond + " bytes/s, at most " + maxBodies + " at once, " + maxBodiesPerAddress + " per address");
    }

    private void sweep() {
        try {
            reads.sweep();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Request body sweep failed", e);
        }
    }

    @PreDestroy
    void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /** Bodies being read now. */
    public int inFlight() {
        return reads.inFlight();
    }

    /**
     * Reads the body of {@code request} from {@code client} (at most {@code maxBytes}) and gives the
     * outcome to {@code answer}: later, on a container or the sweep thread (the request is then in
     * async mode and the calling thread returns at once), or before returning when no slot is free
     * or the announced length is too large.
     */
    public void read(HttpServletRequest request, HttpServletResponse response, String client, int maxBytes, Answer answer)
            throws IOException {
        BodyReader.Limits limits = new BodyReader.Limits(maxBytes, TimeUnit.SECONDS.toNanos(timeoutSeconds), minBytesPerSecond);
        start(request, response, client, limits, answer, reads, connections::refused);
    }

    /** The work of {@link #read}, with its collaborators passed in (for {@code RequestBodiesTest}). */
    static void start(HttpServletRequest request, HttpServletResponse response, String client, BodyReader.Limits limits,
            Answer answer, BodyReads reads, java.util.function.Consumer<String> refused) throws IOException {
        BodyReads.Admission admission = reads.admit(client);
        if (admission != BodyReads.Admission.ADMITTED) {
            refused.accept("bodies in flight");
            response.setHeader("Connection", "close");
            answer.send(admission == BodyReads.Admission.SERVER_FULL
                    ? new Outcome.Refused(503, "server-busy", "The server is reading too many request bodies; try again later",
                            Map.of("Retry-After", "1"))
                    : new Outcome.Refused(429, "too-many-requests", "Too many request bodies in flight from this address",
                            Map.of("Retry-After", "1")),
                    response);
            return;
        }
        AsyncRead read;
        try {
            BodyReader reader = new BodyReader(limits, request.getContentLengthLong(), reads.now());
            AsyncContext async = request.startAsync(request, response);
            long backstop = limits.timeoutNanos() == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(limits.timeoutNanos()) + 5_000;
            async.setTimeout(backstop);
            read = new AsyncRead(reader, async, response, client, answer, reads, refused);
            async.addListener(read);
        } catch (RuntimeException e) {
            reads.release(client);
            throw e;
        }
        read.begin(request.getInputStream());
    }

    /** One body being read: the container's read and async listener, and the sweep's {@link BodyReads.Read}. */
    static final class AsyncRead implements ReadListener, AsyncListener, BodyReads.Read {

        private final BodyReader reader;
        private final AsyncContext async;
        private final HttpServletResponse response;
        private final String client;
        private final Answer answer;
        private final BodyReads reads;
        private final java.util.function.Consumer<String> refused;
        private final LongSupplier nanos;
        private final AtomicBoolean ended = new AtomicBoolean();
        private ServletInputStream in;
        private byte[] chunk;

        AsyncRead(BodyReader reader, AsyncContext async, HttpServletResponse response, String client, Answer answer,
                BodyReads reads, java.util.function.Consumer<String> refused) {
            this.reader = reader;
            this.async = async;
            this.response = response;
            this.client = client;
            this.answer = answer;
            this.reads = reads;
            this.refused = refused;
            this.nanos = reads::now;
        }

        void begin(ServletInputStream stream) {
            BodyReader.State state;
            synchronized (this) {
                in = stream;
                state = reader.state();
            }
            if (state != BodyReader.State.READING) {
                end(state);
                return;
            }
            reads.track(this);
            try {
                // may call onDataAvailable at once, on this thread
                stream.setReadListener(this);
            } catch (RuntimeException e) {
                abandon();
                throw e;
            }
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (!ended.get()) {
                BodyReader.State state;
                synchronized (this) {
                    if (!in.isReady()) {
                        return; // the container calls again when more has come
                    }
                    if (chunk == null) {
                        chunk = new byte[Math.min(CHUNK, reader.limits().maxBytes() + 1)];
                    }
                    int n = in.read(chunk);
                    state = n < 0 ? reader.ended(nanos.getAsLong()) : reader.arrived(chunk, 0, n, nanos.getAsLong());
                }
                if (state != BodyReader.State.READING) {
                    end(state);
                    return;
                }
            }
        }

        @Override
        public void onAllDataRead() {
            BodyReader.State state;
            synchronized (this) {
                state = reader.ended(nanos.getAsLong());
            }
            end(state);
        }

        @Override
        public void onError(Throwable failure) {
            // the client went away or the connection failed: nobody to answer
            LOG.log(Level.DEBUG, () -> "Request body from " + client + " failed: " + failure);
            abandon();
        }

        @Override
        public boolean sweep(long now) {
            BodyReader.State state;
            synchronized (this) {
                state = reader.check(now);
            }
            if (state != BodyReader.State.READING) {
                end(state);
                return true;
            }
            return ended.get();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // the container's backstop, a few seconds after the deadline the sweep should have met
            end(BodyReader.State.TIMED_OUT);
        }

        @Override
        public void onError(AsyncEvent event) {
            LOG.log(Level.DEBUG, () -> "Request with a body from " + client + " failed: " + event.getThrowable());
            abandon();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (ended.compareAndSet(false, true)) {
                // completed by the container (shutdown, error) before the body was done
                release();
            }
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }

        /** Gives the outcome to the caller's answer and ends the request, once. */
        private void end(BodyReader.State state) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            release();
            try {
                Outcome outcome = switch (state) {
                    case COMPLETE -> {
                        byte[] body;
                        synchronized (this) {
                            body = reader.body();
                        }
                        yield new Outcome.Body(body);
                    }
                    case TOO_LARGE -> new Outcome.Refused(413, "payload-too-large",
                            "The body is larger than " + reader.limits().maxBytes() + " bytes", Map.of());
                    case TIMED_OUT -> new Outcome.Refused(408, "request-timeout", "The body did not arrive within "
                            + TimeUnit.NANOSECONDS.toSeconds(reader.limits().timeoutNanos()) + " s", Map.of());
                    case TOO_SLOW -> new Outcome.Refused(408, "request-timeout", "The body arrived slower than "
                            + reader.limits().minBytesPerSecond() + " bytes per second", Map.of());
                    case READING -> throw new IllegalStateException("ended while reading");
                };
                if (outcome instanceof Outcome.Refused) {
                    if (state == BodyReader.State.TIMED_OUT || state == BodyReader.State.TOO_SLOW) {
                        refused.accept("body timeout");
                    }
                    response.setHeader("Connection", "close");
                }
                answer.send(outcome, response);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "Answer to a request body from " + client + " failed: " + e);
            } finally {
                complete();
            }
        }

        private void abandon() {
            if (ended.compareAndSet(false, true)) {
                release();
                complete();
            }
        }

        private void release() {
            reads.untrack(this);
            reads.release(client);
        }

        private void complete() {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                LOG.log(Level.DEBUG, () -> "Request from " + client + " already complete: " + e);
            }
        }
    }
}
