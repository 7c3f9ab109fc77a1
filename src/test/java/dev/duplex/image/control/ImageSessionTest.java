package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.entity.ControlMessage;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.ImageReply;
import dev.duplex.image.entity.ImageReply.Failure;
import dev.duplex.image.entity.ImageReply.Result;
import dev.duplex.image.entity.Step;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connection's rules, with a real processor and executor and a recording outbox. */
class ImageSessionTest {

    private static final ImageReply.Limits LIMITS = new ImageReply.Limits(16 << 20, 8192, 40_000_000, 64 << 20, 16, 4);

    private final ImageProcessor processor = new ImageProcessor(new ImageDecoder(40_000_000), new ImageEncoder(64L << 20));
    private final OperationCatalog catalog = new OperationCatalog();
    private BoundedExecutor workers;

    @AfterEach
    void stopWorkers() {
        if (workers != null) {
            workers.close();
        }
    }

    private ImageSession session(FakeReplySink outbox, int threads, int queue) {
        return session(outbox, threads, queue, LIMITS);
    }

    private ImageSession session(FakeReplySink outbox, int threads, int queue, ImageReply.Limits limits) {
        workers = new BoundedExecutor(threads, queue, "test-image");
        return new ImageSession("t", outbox, processor, workers, catalog, limits);
    }

    private static byte[] png(int width, int height) {
        return TestImages.encode(TestImages.colorful(width, height), "png");
    }

    @Test
    void imagesAreAnsweredWithAResultThenTheImageInOrder() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ImageSession session = session(outbox, 2, 8);
        session.start(Map.of("op", List.of("grayscale")));
        int[] widths = {300, 20, 150};
        for (int width : widths) {
            session.image(png(width, 10));
        }
        for (int i = 0; i < widths.length; i++) {
            Result result = outbox.next(Result.class);
            assertEquals(i + 1, result.seq());
            assertEquals(widths[i], result.width());
            assertEquals(List.of(Step.of("grayscale")), result.ops());
            assertEquals(ImageFormat.PNG, result.inputFormat());
            byte[] image = outbox.next(byte[].class);
            assertEquals(result.outputBytes(), image.length);
            Pixels back = Pixels.of(TestImages.decode(image));
            assertEquals(widths[i], back.width());
            assertTrue(back.isOpaqueGray());
        }
        assertEquals(1, outbox.maxInFlight.get());
    }

    @Test
    void badImagesAreAnsweredAtOnceAndTheSessionGoesOn() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ImageSession session = session(outbox, 1, 4);
        session.image("hello".getBytes(StandardCharsets.US_ASCII));
        session.image(TestImages.pngBomb(50_000, 50_000));
        session.image(png(8, 8));
        Failure notImage = outbox.next(Failure.class);
        assertEquals(1L, notImage.seq());
        assertEquals(ErrorCode.NOT_AN_IMAGE, notImage.code());
        Failure bomb = outbox.next(Failure.class);
        assertEquals(2L, bomb.seq());
        assertEquals(ErrorCode.TOO_MANY_PIXELS, bomb.code());
        assertEquals(3, outbox.next(Result.class).seq());
        outbox.next(byte[].class);
        assertFalse(outbox.closed.isDone());
    }

    @Test
    void aConnectionWithTooManyImagesInProgressGetsBusy() throws Exception {
        FakeReplySink outbox = new FakeReplySink(false);
        ImageSession session = session(outbox, 2, 8, new ImageReply.Limits(16 << 20, 8192, 40_000_000, 64 << 20, 16, 2));
        session.image(png(10, 10));
        session.image(png(11, 10));
        session.image(png(12, 10));
        // Replies are held until sent, so images 1 and 2 stay in progress and image 3 is refused;
        // its refusal still comes after their replies.
        Result first = outbox.next(Result.class);
        assertEquals(1, first.seq());
        assertTrue(outbox.finishOne());
        outbox.next(byte[].class);
        assertTrue(outbox.finishOne());
        assertEquals(2, outbox.next(Result.class).seq());
        assertTrue(outbox.finishOne());
        outbox.next(byte[].class);
        assertTrue(outbox.finishOne());
        Failure busy = outbox.next(Failure.class);
        assertEquals(3L, busy.seq());
        assertEquals(ErrorCode.BUSY, busy.code());
        assertTrue(busy.message().startsWith("This connection already has 2 images in progress"), busy.message());
        assertTrue(outbox.finishOne());
        session.image(png(13, 10));
        assertEquals(4, outbox.next(Result.class).seq(), "room again once the replies were sent");
    }

    @Test
    void aFullServerQueueGetsBusyAndTheConnectionStaysOpen() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ImageSession session = session(outbox, 1, 1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch occupied = new CountDownLatch(1);
        workers.trySubmit(() -> {
            occupied.countDown();
            return release.await(10, TimeUnit.SECONDS);
        }).orElseThrow();
        assertTrue(occupied.await(30, TimeUnit.SECONDS));
        var waiting = workers.trySubmit(() -> release.await(10, TimeUnit.SECONDS)).orElseThrow();
        session.image(png(10, 10));
        Failure busy = outbox.next(Failure.class);
        assertEquals(1L, busy.seq());
        assertEquals(ErrorCode.BUSY, busy.code());
        assertTrue(busy.message().startsWith("The server is busy: its queue of 1 images is full"), busy.message());
        assertEquals(0, session.pendingImages());
        release.countDown();
        waiting.get(10, TimeUnit.SECONDS);
        session.image(png(10, 10));
        assertEquals(2, outbox.next(Result.class).seq(), "the queue has room again");
        assertFalse(outbox.closed.isDone());
    }

    @Test
    void controlMessagesChangeOnlyTheImagesThatFollow() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ImageSession session = session(outbox, 2, 8);
        byte[] png = png(20, 10);
        session.image(png);
        session.control(new ControlMessage.Configure(List.of(Step.of("invert")), "jpeg", 0.6));
        session.image(png);
        Result echo = outbox.next(Result.class);
        assertEquals(List.of(Step.of("echo")), echo.ops());
        assertEquals(png, outbox.next(byte[].class), "echo sends the very bytes back");
        ImageReply.Configured configured = outbox.next(ImageReply.Configured.class);
        assertEquals(List.of(Step.of("invert")), configured.ops());
        assertEquals(ImageFormat.JPEG, configured.format());
        assertEquals(0.6, configured.quality());
        Result inverted = outbox.next(Result.class);
        assertEquals(List.of(Step.of("invert")), inverted.ops());
        assertEquals(ImageFormat.JPEG, inverted.outputFormat());
        outbox.next(byte[].class);

        session.control(new ControlMessage.Configure(List.of(Step.of("swirl")), null, null));
        Failure unknown = outbox.next(Failure.class);
        assertEquals(ErrorCode.UNKNOWN_OPERATION, unknown.code());
        assertEquals(null, unknown.seq());
        assertEquals(catalog.names(), unknown.valid());
        assertEquals(List.of(new Invert()), session.pipeline().operations(), "a refused change changes nothing");

        session.control(new ControlMessage.Describe());
        ImageReply.Catalog described = outbox.next(ImageReply.Catalog.class);
        assertEquals(13, described.operations().size());
        assertEquals(LIMITS, described.limits());

        session.malformed("it is not valid JSON");
        Failure malformed = outbox.next(Failure.class);
        assertEquals(ErrorCode.BAD_MESSAGE, malformed.code());
        assertEquals(List.of("configure", "describe"), malformed.valid());
    }

    @Test
    void aBadQueryIsAnsweredThenClosedWith1008() throws Exception {
        FakeReplySink outbox = new FakeReplySink(true);
        ImageSession session = session(outbox, 1, 1);
        session.start(Map.of("op", List.of("blurr")));
        Failure failure = outbox.next(Failure.class);
        assertEquals(ErrorCode.UNKNOWN_OPERATION, failure.code());
        assertEquals(catalog.names(), failure.valid());
        FakeReplySink.Closed closed = outbox.closed.get(30, TimeUnit.SECONDS);
        assertEquals(1008, closed.code());
        assertEquals("Bad query: Unknown operation 'blurr'", closed.reason());
    }

    @Test
    void aClientThatNeverReadsIsClosedWith1008() throws Exception {
        FakeReplySink outbox = new FakeReplySink(false);
        ImageSession session = session(outbox, 1, 1);
        for (int i = 0; i < ImageSession.MAX_OWED; i++) {
            session.control(new ControlMessage.Describe());
        }
        assertFalse(outbox.closed.isDone(), ImageSession.MAX_OWED + " owed replies are still fine");
        session.image(png(4, 4));
        FakeReplySink.Closed closed = outbox.closed.get(30, TimeUnit.SECONDS);
        assertEquals(1008, closed.code());
        assertTrue(closed.reason().startsWith("Too many unanswered messages"), closed.reason());
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerByBytesAndItsMemoryFreed() throws Exception {
        dev.duplex.platform.MemoryBudget budget = new dev.duplex.platform.MemoryBudget(64 << 20, 0, 0);
        dev.duplex.platform.MemoryBudget.Account account = budget.account("image", "127.0.0.1");
        byte[] png = png(64, 64);
        FakeReplySink outbox = new FakeReplySink(false, 2 * png.length, account);
        ImageSession session = session(outbox, 2, 8);
        for (int i = 0; i < 3; i++) {
            session.image(png);
        }
        // Nothing is ever written: the first result is in flight, its image and the next replies
        // wait, and once they pass the byte bound the outbox gives up on the client.
        FakeReplySink.Closed closed = outbox.closed.get(30, TimeUnit.SECONDS);
        assertEquals(new FakeReplySink.Closed(1008, "Slow consumer"), closed);
        assertEquals(0, account.held(), "the closed outbox holds nothing on the budget");
        assertTrue(outbox.finishOne(), "the write that was in flight ends at last");
        waitFor(() -> session.pendingImages() == 0, "every image in progress is let go");
        assertEquals(0, budget.used(), "the write that was in flight gives back nothing twice");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void closeReasonsFitInACloseFrame() {
        String reason = ImageSession.closeReason("Bad query: " + "é".repeat(200));
        assertTrue(reason.getBytes(StandardCharsets.UTF_8).length <= 123, reason);
        assertTrue(reason.endsWith("…"));
        assertEquals("short", ImageSession.closeReason("short"));
    }
}
