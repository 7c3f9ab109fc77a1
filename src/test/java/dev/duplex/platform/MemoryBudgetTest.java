package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void theAddressShareStopsOneAddressBeforeTheTotal() {
        MemoryBudget budget = new MemoryBudget(1000, 800, 300);
        MemoryBudget.Account a = budget.account("echo", "10.0.0.1");
        MemoryBudget.Account b = budget.account("echo", "10.0.0.1");
        assertTrue(a.tryReserve(200));
        assertFalse(b.tryReserve(101), "the address holds 200 of its 300");
        assertTrue(b.tryReserve(100));
        assertEquals(300, budget.used());
        MemoryBudget.Account other = budget.account("echo", "10.0.0.2");
        assertTrue(other.tryReserve(300), "another address has its own share");
        assertEquals(1, budget.refusals());
    }

    @Test
    void theEndpointShareKeepsRoomForOtherEndpoints() {
        MemoryBudget budget = new MemoryBudget(1000, 600, 1000);
        MemoryBudget.Account echo = budget.account("echo", "a");
        MemoryBudget.Account chat = budget.account("chat", "b");
        assertTrue(echo.tryReserve(600));
        assertFalse(echo.tryReserve(1), "echo used its share");
        assertTrue(chat.tryReserve(400));
        assertFalse(chat.tryReserve(1), "the total is used");
        assertEquals(Long.valueOf(600), budget.usedByEndpoint().get("echo"));
    }

    @Test
    void closingAnAccountGivesEverythingBackAndForgetsTheAddress() {
        MemoryBudget budget = new MemoryBudget(1000, 1000, 500);
        MemoryBudget.Account a = budget.account("echo", "a");
        assertTrue(a.tryReserve(400));
        a.release(100);
        assertEquals(300, a.held());
        a.close();
        assertEquals(0, budget.used());
        assertEquals(0, budget.addressCount());
        assertFalse(a.tryReserve(1), "a closed account reserves nothing");
        a.release(1000);
        assertEquals(0, budget.used(), "releasing more than held gives back nothing extra");
    }

    @Test
    void noBudgetRefusesNothing() {
        MemoryBudget budget = MemoryBudget.unlimited();
        assertTrue(budget.account("echo", "a").tryReserve(Long.MAX_VALUE / 2));
        assertEquals(0, budget.refusals());
    }

    @Test
    void theDefaultTotalIsAFractionOfTheHeap() {
        MemoryBudget budget = MemoryBudget.sized(0, 0.25, 4000, 0.5, 0.1);
        assertEquals(1000, budget.total());
        assertEquals(500, budget.perEndpoint());
        assertEquals(100, budget.perAddress());
    }

    @Test
    void concurrentReservationsNeverPassTheTotal() throws Exception {
        MemoryBudget budget = new MemoryBudget(10_000, 10_000, 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> held = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                MemoryBudget.Account account = budget.account("echo", "a" + t);
                held.add(pool.submit(() -> {
                    long got = 0;
                    for (int i = 0; i < 10_000; i++) {
                        if (account.tryReserve(7)) {
                            got += 7;
                        }
                    }
                    return got;
                }));
            }
            long sum = 0;
            for (Future<Long> f : held) {
                sum += f.get();
            }
            assertEquals(sum, budget.used());
            assertTrue(sum <= 10_000 && sum > 10_000 - 4 * 7, "filled up to the cap: " + sum);
        } finally {
            pool.shutdownNow();
        }
    }
}
