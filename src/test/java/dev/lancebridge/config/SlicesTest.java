package dev.lancebridge.config;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A range cut into slices over the cores: each item once, the caller's share, failures. */
class SlicesTest {

    private final Thread caller = Thread.currentThread();
    private final ExecutorService helpers = Executors.newFixedThreadPool(3, DaemonThreads.named("slices-test"));

    @AfterEach
    void stop() {
        helpers.shutdownNow();
    }

    @Test
    void everyItemIsDoneOnceAndTheCallerTakesTheFirstSlice() {
        AtomicIntegerArray done = new AtomicIntegerArray(1001);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Set<Integer> starts = ConcurrentHashMap.newKeySet();
        Slices.run(1001, 64, 4, helpers, (from, to) -> {
            threads.add(Thread.currentThread());
            starts.add(from);
            if (from == 0) {
                assertSame(Thread.currentThread(), caller);
            }
            for (int i = from; i < to; i++) {
                done.incrementAndGet(i);
            }
        });
        for (int i = 0; i < done.length(); i++) {
            assertEquals(1, done.get(i), "item " + i);
        }
        assertEquals(Set.of(0, 250, 500, 750), starts);
        assertTrue(threads.contains(caller));
    }

    @Test
    void fewItemsRunOnTheCallerAlone() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Slices.run(127, 64, 4, helpers, (from, to) -> {
            threads.add(Thread.currentThread());
            assertEquals(0, from);
            assertEquals(127, to);
        });
        assertEquals(Set.of(caller), threads);
        Slices.run(10, 64, 4, null, (from, to) -> assertEquals(10, to)); // no helpers needed for one slice
    }

    @Test
    void aFailingSliceIsThrownAfterTheOthersEnded() {
        AtomicIntegerArray done = new AtomicIntegerArray(400);
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> Slices.run(400, 100, 4, helpers, (from, to) -> {
            if (from == 200) {
                throw new IllegalStateException("slice at 200 failed");
            }
            for (int i = from; i < to; i++) {
                done.incrementAndGet(i);
            }
        }));
        assertEquals("slice at 200 failed", failed.getMessage());
        assertEquals(1, done.get(399), "the other slices ran to their end");
        assertEquals(1, done.get(0));
    }
}
