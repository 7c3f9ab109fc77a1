package dev.duplex.testing;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting on a condition with a deadline, polled every 200 ms, instead of sleeping and hoping. */
public final class Conditions {

    private Conditions() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code message} when it has not within {@code seconds}. */
    public static void await(BooleanSupplier condition, int seconds, String message) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message);
            }
            Thread.sleep(200);
        }
    }
}
