package dev.duplex.image.control;

import java.util.function.ObjLongConsumer;

import dev.duplex.image.control.ImageProcessor.Processed;
import dev.duplex.image.entity.ControlMessage;
import dev.duplex.image.entity.ControlMessage.Configure;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.ImageReply;
import dev.duplex.platform.MemoryBudget;
import dev.duplex.platform.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code /image} connection: its current {@link Pipeline}, the images it has in progress and
 * the order of its replies. The endpoint hands it whole messages on the WebSocket's thread; it
 * answers every one, in order, through the {@link ReplySink}:
 * <ul>
 * <li>an image is sniffed and its header checked right away (cheap, no decoding), then decoded,
 * processed and encoded on the shared {@link BoundedExecutor}; when this connection already has
 * {@code maxPendingImages} in progress, or the executor's queue is full, it gets a {@code busy}
 * error instead and the connection stays open;</li>
 * <li>every byte an image holds, from its copy of the message to the encoded result handed to the
 * outbox, is charged to the session's {@link MemoryBudget.Account} before it is allocated
 * ({@link ImageMemory}); when the budget has no room the image gets a {@code busy} error, when it
 * could never hold the image a {@code too-many-pixels} error, and the connection stays open;</li>
 * <li>a control message changes the pipeline for the images that follow, or describes the
 * operations;</li>
 * <li>a client that owes more than {@link #MAX_OWED} replies (it sends but does not read) is
 * closed with 1008; so is one whose replies waiting in the outbox pass
 * {@code duplex.limits.max-queued-bytes} ("Slow consumer", closed by the outbox itself).</li>
 * </ul>
 */
public final class ImageSession {

    /** Replies a connection may owe before it is closed for not reading them. */
    public static final int MAX_OWED = 64;

    /** Close code 1008, Policy Violation. */
    static final int POLICY_VIOLATION = 1008;

    private static final System.Logger LOG = System.getLogger(ImageSession.class.getName());
    /** What clients do wrong is logged at most once a second per kind, without stack traces. */
    private static final RateLimitedLog CLIENT_ERRORS = new RateLimitedLog(LOG, Level.INFO);
    private static final RateLimitedLog NOT_READING = new RateLimitedLog(LOG, Level.WARNING);
    private static final List<String> MESSAGE_TYPES = List.of("configure", "describe");

    private final String id;
    private final ReplySink outbox;
    private final ImageProcessor processor;
    private final BoundedExecutor workers;
    private final OperationCatalog catalog;
    private final ImageReply.Limits limits;
    private final ReplySequence replies;
    private final ObjLongConsumer<String> timings;
    private final MemoryBudget.Account account;
    private final long ceiling;
    private final AtomicInteger pendingImages = new AtomicInteger();
    private volatile Pipeline pipeline = Pipeline.DEFAULT;
    private volatile boolean closed;
    private long images;

    public ImageSession(String id, ReplySink outbox, ImageProcessor processor, BoundedExecutor workers,
                        OperationCatalog catalog, ImageReply.Limits limits) {
        this(id, outbox, processor, workers, catalog, limits, (name, nanos) -> { });
    }

    /**
     * @param timings receives the server time of each processed image, in nanoseconds, under
     *                {@code image.<op>[+<op>...]} (decode, operations and encode together); clients
     *                choose the chains, so {@link dev.duplex.platform.Timings} keeps the first
     *                {@code MAX_NAMES} names and records the rest under {@code other}
     */
    public ImageSession(String id, ReplySink outbox, ImageProcessor processor, BoundedExecutor workers,
                        OperationCatalog catalog, ImageReply.Limits limits, ObjLongConsumer<String> timings) {
        this(id, outbox, processor, workers, catalog, limits, timings, MemoryBudget.unlimited().account("image", "local"),
                Long.MAX_VALUE);
    }

    /**
     * @param account the session's memory budget account: every image's bytes are charged to it
     * @param ceiling the most one image may hold ({@link ImageMemory#ceiling(MemoryBudget)})
     */
    public ImageSession(String id, ReplySink outbox, ImageProcessor processor, BoundedExecutor workers,
                        OperationCatalog catalog, ImageReply.Limits limits, ObjLongConsumer<String> timings,
                        MemoryBudget.Account account, long ceiling) {
        this.account = account;
        this.ceiling = ceiling;
        this.timings = timings;
        this.id = id;
        this.outbox = outbox;
        this.processor = processor;
        this.workers = workers;
        this.catalog = catalog;
        this.limits = limits;
        this.replies = new ReplySequence(id, outbox);
    }

    /**
     * Applies the connect URL's query parameters. Bad ones get an {@code error} message listing the
     * valid choices, then the connection is closed with 1008: a plain client that chose its
     * operation in the URL must not get unexpected results.
     */
    public void start(Map<String, List<String>> query) {
        if (query.isEmpty()) {
            return;
        }
        try {
            pipeline = QueryParameters.parse(query, catalog);
            LOG.log(Level.DEBUG, () -> "image session " + id + " starts with " + pipeline.steps());
        } catch (ImageException e) {
            CLIENT_ERRORS.log("Image connection with a bad query", "session " + id + ": " + e.getMessage());
            String reason = closeReason("Bad query: " + e.getMessage());
            replies.append(CompletableFuture.completedFuture(Reply.of(e.toFailure(null))),
                    () -> outbox.close(POLICY_VIOLATION, reason));
        }
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** A control message, already decoded. */
    public void control(ControlMessage message) {
        if (closed || !hasRoom()) {
            return;
        }
        if (message instanceof Configure configure) {
            try {
                pipeline = pipeline.configure(configure, catalog);
                replies.append(Reply.of(new ImageReply.Configured(pipeline.steps(), pipeline.format(), pipeline.quality())));
            } catch (ImageException e) {
                replies.append(Reply.of(e.toFailure(null)));
            }
        } else {
            replies.append(Reply.of(new ImageReply.Catalog(catalog.describe(), ImageFormat.readableNames(),
                    ImageFormat.writableNames(), limits)));
        }
    }

    /** A text message that is not a valid control message. */
    public void malformed(String problem) {
        if (closed || !hasRoom()) {
            return;
        }
        CLIENT_ERRORS.log("Image control message refused", "session " + id + ": " + problem);
        replies.append(Reply.of(new ImageReply.Failure(null, ErrorCode.BAD_MESSAGE,
                "Not a control message: " + problem, MESSAGE_TYPES)));
    }

    /**
     * A binary message, still in the engine's buffer (which it may reuse once this returns): its
     * bytes are charged to the budget, then copied, then processed with the current pipeline.
     */
    public void image(ByteBuffer message) {
        if (closed || !hasRoom()) {
            return;
        }
        long seq = ++images;
        ImageMemory memory = chargeBytes(seq, message.remaining());
        if (memory != null) {
            byte[] bytes = new byte[message.remaining()];
            message.get(bytes);
            submit(seq, bytes, memory);
        }
    }

    /** A binary message in an array the session may keep (it is charged, not copied). */
    public void image(byte[] bytes) {
        if (closed || !hasRoom()) {
            return;
        }
        long seq = ++images;
        ImageMemory memory = chargeBytes(seq, bytes.length);
        if (memory != null) {
            submit(seq, bytes, memory);
        }
    }

    /** A new image's memory holding its message's bytes, or null when it was refused (and answered). */
    private ImageMemory chargeBytes(long seq, int length) {
        ImageMemory memory = new ImageMemory(account, ceiling);
        try {
            memory.charge(length, "the image's " + length + " bytes");
            return memory;
        } catch (ImageException e) {
            refused(seq, e);
            return null;
        }
    }

    /** Checks the header, then queues the work; {@code memory} holds the bytes, and is closed on every refusal. */
    private void submit(long seq, byte[] bytes, ImageMemory memory) {
        long received = System.nanoTime();
        try {
            processor.decoder().inspect(bytes);
        } catch (ImageException e) {
            memory.close();
            refused(seq, e);
            return;
        }
        if (pendingImages.get() >= limits.maxPendingImages()) {
            memory.close();
            refused(seq, new ImageException(ErrorCode.BUSY, "This connection already has " + limits.maxPendingImages()
                    + " images in progress; wait for their replies before sending more"));
            return;
        }
        Pipeline current = pipeline;
        Optional<CompletableFuture<Reply>> work = workers.trySubmit(() -> process(seq, bytes, current, received, memory));
        if (work.isEmpty()) {
            memory.close();
            refused(seq, new ImageException(ErrorCode.BUSY, "The server is busy: its queue of "
                    + workers.queueCapacity() + " images is full; send the image again later"));
            return;
        }
        pendingImages.incrementAndGet();
        replies.append(work.get().exceptionally(failure -> {
            memory.close();
            return failed(seq, failure);
        }), pendingImages::decrementAndGet);
    }

    /** The connection closed: images that have not started yet are skipped. */
    public void close() {
        closed = true;
    }

    /** How many images are being processed or wait for their reply to be sent. */
    public int pendingImages() {
        return pendingImages.get();
    }

    /**
     * Runs on a worker. On success the result stays charged until the reply is handed to the
     * outbox (which charges it itself); the input is released as soon as it is let go. Every other
     * way out releases all.
     */
    private Reply process(long seq, byte[] bytes, Pipeline current, long received, ImageMemory memory) {
        long start = System.nanoTime();
        if (closed) {
            memory.close();
            return Reply.NONE;
        }
        try {
            Processed out = processor.process(bytes, current, memory);
            if (out.bytes() != bytes) {
                memory.release(bytes.length);
            }
            long took = System.nanoTime() - start;
            timings.accept(timingName(current), took);
            double serverMs = millis(took);
            LOG.log(Level.DEBUG, () -> "image session " + id + " #" + seq + " " + current.steps() + " "
                    + out.inputFormat().wireName() + " " + out.inputWidth() + "×" + out.inputHeight() + " → "
                    + out.outputFormat().wireName() + " " + out.width() + "×" + out.height() + " in " + serverMs + " ms");
            return new Reply(new ImageReply.Result(seq, current.steps(), out.inputFormat(), out.outputFormat(),
                    out.inputWidth(), out.inputHeight(), out.width(), out.height(), bytes.length, out.bytes().length,
                    millis(start - received), serverMs), out.bytes(), memory::close);
        } catch (ImageException e) {
            memory.close();
            if (e.code() == ErrorCode.TOO_MANY_PIXELS || e.code() == ErrorCode.BUSY) {
                CLIENT_ERRORS.log("Image refused: " + e.code().wireName(), "session " + id + " #" + seq + ": " + e.getMessage());
            } else {
                LOG.log(Level.DEBUG, () -> "image session " + id + " #" + seq + ": " + e.getMessage());
            }
            return Reply.of(e.toFailure(seq));
        } catch (RuntimeException | Error e) {
            memory.close();
            throw e;
        }
    }

    private Reply failed(long seq, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof java.util.concurrent.RejectedExecutionException) {
            return Reply.of(new ImageReply.Failure(seq, ErrorCode.BUSY, "The server is shutting down", List.of()));
        }
        LOG.log(Level.WARNING, "image session " + id + " #" + seq + " failed", cause);
        String message = cause instanceof OutOfMemoryError ? "The server ran out of memory for image " + seq
                : "The server failed to process image " + seq + "; the error is in its log";
        return Reply.of(new ImageReply.Failure(seq, ErrorCode.INTERNAL, message, List.of()));
    }

    private void refused(long seq, ImageException e) {
        if (e.code() == ErrorCode.TOO_MANY_PIXELS || e.code() == ErrorCode.BUSY) {
            CLIENT_ERRORS.log("Image refused: " + e.code().wireName(), "session " + id + " #" + seq + ": " + e.getMessage());
        } else {
            LOG.log(Level.DEBUG, () -> "image session " + id + " #" + seq + " refused: " + e.getMessage());
        }
        replies.append(Reply.of(e.toFailure(seq)));
    }

    /** Whether another reply may be owed; if not, the client is not reading and is closed. */
    private boolean hasRoom() {
        if (replies.owed() < MAX_OWED) {
            return true;
        }
        NOT_READING.log("Image connection closed: it does not read its replies",
                "session " + id + " owes " + MAX_OWED);
        closed = true;
        outbox.close(POLICY_VIOLATION, "Too many unanswered messages (" + MAX_OWED + "): read the replies");
        return false;
    }

    /** {@code image.grayscale}, {@code image.blur+grayscale}, ...; the default echo is {@code image.echo}. */
    static String timingName(Pipeline pipeline) {
        StringBuilder name = new StringBuilder("image.");
        if (pipeline.steps().isEmpty()) {
            return name.append("echo").toString();
        }
        pipeline.steps().forEach(step -> name.append(name.length() > 6 ? "+" : "").append(step.op()));
        return name.toString();
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    /** A close reason within the 123 bytes a close frame allows, cut at a character boundary. */
    static String closeReason(String text) {
        String reason = text;
        while (reason.getBytes(StandardCharsets.UTF_8).length > 123) {
            reason = reason.substring(0, reason.length() - 2) + "…";
        }
        return reason;
    }
}
