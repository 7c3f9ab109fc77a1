package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import dev.duplex.image.entity.ImageReply;
import dev.duplex.image.entity.ImageReply.Failure;
import dev.duplex.image.entity.ImageReply.Result;
import dev.duplex.platform.MemoryBudget;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every buffer an image holds is charged to the session's memory budget before it is allocated:
 * the charges match what the work really allocates (measured with the thread's allocation
 * counter), a refused charge answers {@code busy} (or {@code too-many-pixels} when the image could
 * never fit) before the large buffers exist, and every way out gives the charges back.
 */
class ImageMemoryTest {

    private static final long MIB = 1 << 20;
    private static final ImageReply.Limits LIMITS = new ImageReply.Limits(16 << 20, 8192, 40_000_000, 64 << 20, 16, 4);

    private final ImageProcessor processor = new ImageProcessor(new ImageDecoder(40_000_000), new ImageEncoder(64L << 20));
    private BoundedExecutor workers;

    @AfterEach
    void stopWorkers() {
        if (workers != null) {
            workers.close();
        }
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static Pipeline chain(String format, ImageOperation... operations) {
        return new Pipeline(List.of(operations), ImageFormat.ofWireName(format).orElseThrow(), Pipeline.DEFAULT_QUALITY);
    }

    @Test
    void aRefusedChargeHoldsNothingAndSaysBusyOrTooManyPixels() throws Exception {
        MemoryBudget budget = new MemoryBudget(1000, 0, 0);
        MemoryBudget.Account other = budget.account("image", "a");
        assertTrue(other.tryReserve(900));
        ImageMemory memory = new ImageMemory(budget.account("image", "b"), ImageMemory.ceiling(budget));
        memory.charge(50, "a bit");
        ImageException busy = assertThrows(ImageException.class, () -> memory.charge(100, "more"));
        assertEquals(ErrorCode.BUSY, busy.code());
        ImageException never = assertThrows(ImageException.class, () -> memory.charge(1000, "too much"));
        assertEquals(ErrorCode.TOO_MANY_PIXELS, never.code(), "over the ceiling: waiting would not help");
        assertEquals(50, memory.held());
        assertEquals(950, budget.used());
        memory.close();
        assertEquals(900, budget.used());
        assertEquals(ErrorCode.BUSY, assertThrows(ImageException.class, () -> memory.charge(1, "after close")).code());
    }

    @Test
    void theCeilingIsTheSmallestShare() {
        assertEquals(Long.MAX_VALUE, ImageMemory.ceiling(MemoryBudget.unlimited()));
        assertEquals(128 * MIB, ImageMemory.ceiling(MemoryBudget.sized(0, 0.25, 1024 * MIB, 0.75, 0.5)));
        assertEquals(192 * MIB, ImageMemory.ceiling(MemoryBudget.sized(0, 0.25, 1024 * MIB, 0.75, 1.0)));
    }

    /**
     * The charges are the allocations: for each chain, the bytes charged over the image's life
     * are within 10 % (plus 1 MiB of ImageIO's small objects) of what the thread allocated, never
     * less than the large arrays, and all of it is given back but the result.
     */
    @Test
    void theChargesMatchWhatTheWorkAllocates() throws Exception {
        byte[] rgb = TestImages.encode(TestImages.photoLike(1200, 900, 7), "png");
        byte[] rgba = TestImages.flatPng(1000, 800, 6, 0x80);
        byte[] gray = TestImages.flatPng(1500, 1000, 0, 0x40);
        byte[] jpeg = TestImages.encode(TestImages.photoLike(1100, 700, 3), "jpeg");
        byte[] rgba16 = TestImages.flatPng(900, 700, 6, 0x21, 16);
        byte[] gif = TestImages.encode(TestImages.photoLike(800, 600, 2), "gif");
        record Case(String name, byte[] input, Pipeline pipeline) {
        }
        List<Case> cases = List.of(
                new Case("rgb blur", rgb, chain("png", new Blur(40))),
                new Case("rgb sharpen jpeg", rgb, chain("jpeg", new Sharpen(1))),
                new Case("rgba edges", rgba, chain("png", new Edges())),
                new Case("rgba rotate resize", rgba, chain("png", new Rotate(90), new Resize(300, 300))),
                new Case("gray flip blur", gray, chain("png", new Flip(false), new Blur(5), new Grayscale())),
                new Case("jpeg rotate180 pixelate", jpeg, chain("jpeg", new Rotate(180), new Pixelate(8))),
                new Case("16-bit rgba sepia", rgba16, chain("png", new Sepia())),
                new Case("gif threshold jpeg", gif, chain("jpeg", new Threshold(128))),
                new Case("echo", rgb, Pipeline.DEFAULT));
        for (Case c : cases) {
            processor.process(c.input(), c.pipeline()); // warm up: class loading allocates too
            ImageMemory memory = ImageMemory.unlimited();
            long before = allocatedByThisThread();
            ImageProcessor.Processed out = processor.process(c.input(), c.pipeline(), memory);
            long allocated = allocatedByThisThread() - before;
            long charged = memory.charged();
            assertTrue(allocated >= charged * 0.9 && allocated <= charged * 1.1 + MIB,
                    c.name() + ": allocated " + allocated + " bytes, charged " + charged);
            long kept = out.bytes() == c.input() ? 0 : out.bytes().length;
            assertEquals(kept, memory.held(), c.name() + ": only the result stays charged");
        }
    }

    @Test
    void eachOperationsFootprintIsWhatItAllocates() {
        Pixels image = Pixels.of(TestImages.photoLike(900, 700, 5));
        List<ImageOperation> operations = List.of(new Blur(100), new Sharpen(0.5), new Edges(), new Rotate(90),
                new Rotate(270), new Rotate(180), new Flip(false), new Flip(true), new Resize(200, 400),
                new Resize(2000, 2000), new Pixelate(10), new Invert(), new Grayscale(), new Reencode());
        for (ImageOperation operation : operations) {
            Pixels input = image.copy();
            operation.apply(input.copy()); // warm up
            ImageOperation.Footprint footprint = operation.footprint(input.width(), input.height());
            long before = allocatedByThisThread();
            Pixels out = operation.apply(input);
            long allocated = allocatedByThisThread() - before;
            assertTrue(allocated >= footprint.allocatedBytes() && allocated <= footprint.allocatedBytes() + 64 * 1024,
                    operation + ": allocated " + allocated + ", footprint " + footprint.allocatedBytes());
            assertEquals(out.width(), footprint.width(), operation + " width");
            assertEquals(out.height(), footprint.height(), operation + " height");
        }
    }

    /** The budget has room for the bytes but not the raster: busy, with none of the large arrays allocated. */
    @Test
    void aBudgetWithoutRoomRefusesWithBusyBeforeAllocating() throws Exception {
        byte[] png = TestImages.flatPng(2000, 1500, 2, 0x33); // 9 MB of RGB raster, 12 MB of ARGB
        MemoryBudget budget = new MemoryBudget(64 * MIB, 0, 0);
        MemoryBudget.Account other = budget.account("image", "other");
        assertTrue(other.tryReserve(60 * MIB));
        ImageMemory memory = new ImageMemory(budget.account("image", "me"), ImageMemory.ceiling(budget));
        processor.process(png, chain("png", new Blur(50))); // warm up
        long before = allocatedByThisThread();
        ImageException e = assertThrows(ImageException.class,
                () -> processor.process(png, chain("png", new Blur(50)), memory));
        long allocated = allocatedByThisThread() - before;
        assertEquals(ErrorCode.BUSY, e.code(), e.getMessage());
        assertTrue(allocated < MIB, "allocated " + allocated + " bytes before refusing");
        assertEquals(0, memory.held());
        assertEquals(60 * MIB, budget.used());
    }

    /** Room to decode but not to blur: busy at the blur, and what the decoder held is given back. */
    @Test
    void aRefusalHalfWayGivesBackWhatWasCharged() throws Exception {
        byte[] png = TestImages.flatPng(2000, 1500, 0, 0x33); // 3 MB gray raster, 12 MB ARGB
        MemoryBudget budget = new MemoryBudget(64 * MIB, 0, 0);
        MemoryBudget.Account other = budget.account("image", "other");
        assertTrue(other.tryReserve(64 * MIB - 18 * MIB));
        ImageMemory memory = new ImageMemory(budget.account("image", "me"), ImageMemory.ceiling(budget));
        ImageException e = assertThrows(ImageException.class,
                () -> processor.process(png, chain("png", new Blur(50)), memory));
        assertEquals(ErrorCode.BUSY, e.code());
        assertTrue(e.getMessage().contains("blur"), e.getMessage());
        assertTrue(memory.peak() >= 12_000_000, "it decoded first: peak " + memory.peak());
        assertEquals(0, memory.held());
        assertEquals(64 * MIB - 18 * MIB, budget.used());
        other.close();
        ImageMemory again = new ImageMemory(budget.account("image", "me"), ImageMemory.ceiling(budget));
        ImageProcessor.Processed out = processor.process(png, chain("png", new Blur(50)), again);
        assertEquals(out.bytes().length, budget.used(), "only the result is charged once it is done");
        again.close();
        assertEquals(0, budget.used());
    }

    /** An image whose chain can never fit the ceiling is refused with too-many-pixels before decoding. */
    @Test
    void anImageThatCanNeverFitIsRefusedBeforeDecoding() throws Exception {
        byte[] png = TestImages.flatPng(4000, 2500, 0, 0x10); // 40 MB ARGB, 80 MB with a blur
        MemoryBudget budget = new MemoryBudget(64 * MIB, 0, 0);
        ImageMemory memory = new ImageMemory(budget.account("image", "me"), ImageMemory.ceiling(budget));
        processor.process(png, chain("png", new Invert())); // warm up, unbudgeted
        long before = allocatedByThisThread();
        ImageException e = assertThrows(ImageException.class,
                () -> processor.process(png, chain("png", new Blur(30)), memory));
        long allocated = allocatedByThisThread() - before;
        assertEquals(ErrorCode.TOO_MANY_PIXELS, e.code());
        assertTrue(e.getMessage().contains("blur") && e.getMessage().contains("4000×2500"), e.getMessage());
        assertTrue(allocated < MIB, "allocated " + allocated + " bytes before refusing");
        assertEquals(0, budget.used());
        assertEquals(0, budget.refusals(), "refused by the plan, before asking the budget");
        // the same image without a blur fits: 10 MB gray raster + 40 MB ARGB + the output buffer
        ImageProcessor.Processed out = processor.process(png, chain("png", new Invert()), memory);
        assertEquals(4000, out.width());
        memory.close();
        assertEquals(0, budget.used());
    }

    /** Through a session: the budget is back at 0 after results and after every kind of failure. */
    @Test
    void aSessionsChargesReturnToZeroAfterSuccessAndFailure() throws Exception {
        MemoryBudget budget = new MemoryBudget(48 * MIB, 0, 0);
        MemoryBudget.Account account = budget.account("image", "client");
        FakeReplySink outbox = new FakeReplySink(true, 0, account);
        workers = new BoundedExecutor(2, 8, "test-image");
        ImageSession session = new ImageSession("t", outbox, processor, workers, new OperationCatalog(), LIMITS,
                (name, nanos) -> { }, account, ImageMemory.ceiling(budget));
        session.start(java.util.Map.of("op", List.of("blur"), "radius", List.of("9")));
        byte[] good = TestImages.encode(TestImages.photoLike(640, 480, 1), "png");
        byte[] truncated = java.util.Arrays.copyOf(good, good.length / 2);
        byte[] tooBig = TestImages.flatPng(4000, 2000, 0, 1); // 32 MB ARGB + 32 MB blur > 48 MiB
        session.image(good);
        session.image(truncated);
        session.image(tooBig);
        session.image(good);
        assertEquals(1, outbox.next(Result.class).seq());
        outbox.next(byte[].class);
        assertEquals(ErrorCode.TRUNCATED, outbox.next(Failure.class).code());
        Failure tooMany = outbox.next(Failure.class);
        assertEquals(ErrorCode.TOO_MANY_PIXELS, tooMany.code());
        assertEquals(4, outbox.next(Result.class).seq());
        outbox.next(byte[].class);
        awaitTrue(() -> budget.used() == 0, () -> "budget still holds " + budget.used());
        assertFalse(outbox.closed.isDone());
    }

    /** Another session holds the budget: busy, the connection stays open, and once it is free the image goes through. */
    @Test
    void aFullBudgetAnswersBusyAndTheSessionGoesOn() throws Exception {
        MemoryBudget budget = new MemoryBudget(48 * MIB, 0, 0);
        MemoryBudget.Account other = budget.account("image", "other");
        assertTrue(other.tryReserve(40 * MIB));
        MemoryBudget.Account account = budget.account("image", "client");
        FakeReplySink outbox = new FakeReplySink(true, 0, account);
        workers = new BoundedExecutor(2, 8, "test-image");
        ImageSession session = new ImageSession("t", outbox, processor, workers, new OperationCatalog(), LIMITS,
                (name, nanos) -> { }, account, ImageMemory.ceiling(budget));
        session.start(java.util.Map.of("op", List.of("sharpen")));
        byte[] png = TestImages.flatPng(2000, 1200, 2, 9); // 9.6 MB ARGB, twice that to sharpen
        session.image(png);
        Failure busy = outbox.next(Failure.class);
        assertEquals(ErrorCode.BUSY, busy.code());
        assertTrue(busy.message().contains("memory budget"), busy.message());
        other.close();
        session.image(png);
        assertEquals(2, outbox.next(Result.class).seq());
        outbox.next(byte[].class);
        awaitTrue(() -> budget.used() == 0, () -> "budget still holds " + budget.used());
        assertFalse(outbox.closed.isDone());
    }

    /**
     * Many workers (a many-core host) and a budget for about one image: every image is answered
     * with a result or busy, the budget never passes its total, and all of it comes back.
     */
    @Test
    void manyWorkersNeverHoldMoreThanTheBudget() throws Exception {
        byte[] png = TestImages.flatPng(1600, 1000, 0, 0x55); // 6.4 MB ARGB, ~13 MB with a blur
        MemoryBudget budget = new MemoryBudget(20 * MIB, 0, 0);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<ErrorCode>> outcomes = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                Callable<ErrorCode> work = () -> {
                    try (ImageMemory memory = new ImageMemory(budget.account("image", "a"), ImageMemory.ceiling(budget))) {
                        processor.process(png, chain("png", new Blur(60)), memory);
                        return null;
                    } catch (ImageException e) {
                        return e.code();
                    }
                };
                outcomes.add(pool.submit(work));
            }
            int results = 0;
            int busy = 0;
            for (Future<ErrorCode> outcome : outcomes) {
                ErrorCode code = outcome.get(120, TimeUnit.SECONDS);
                if (code == null) {
                    results++;
                } else {
                    assertEquals(ErrorCode.BUSY, code);
                    busy++;
                }
            }
            assertTrue(results > 0, "some fit: " + results + " results, " + busy + " busy");
            assertEquals(0, budget.used());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(10);
        }
    }
}
