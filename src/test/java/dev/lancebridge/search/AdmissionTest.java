package dev.lancebridge.search;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** In the application: SmallRye Fault Tolerance's programmatic guards are served by its CDI extension. */
@QuarkusTest
class AdmissionTest {

    @Test
    void aSearchBeyondTheLimitIsRefusedAtOnceAndTheSlotComesBack() throws Exception {
        Admission admission = new Admission(2, 1, 60_000);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = threads.submit(() -> admission.search(() -> hold(running, release)));
            Future<?> second = threads.submit(() -> admission.search(() -> hold(running, release)));
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                    assertThrows(BulkheadException.class, () -> admission.search(() -> "third")));
            // exports have slots of their own
            admission.export(() -> { });
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            assertEquals("again", admission.search(() -> "again"));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aSearchPastItsTimeStopsAtItsNextStageAndTheThreadIsClean() {
        Admission admission = new Admission(2, 1, 200);
        assertThrows(TimeoutException.class, () -> admission.search(() -> {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() < until) {
                Admission.checkNotTimedOut(); // a stage boundary, as between the halves of a hybrid search
                Thread.onSpinWait();
            }
            return "too late";
        }));
        assertFalse(Thread.currentThread().isInterrupted(), "the worker thread is handed back uninterrupted");
        assertEquals("next", admission.search(() -> "next"));
    }

    @Test
    void anExportBeyondItsLimitIsRefused() throws Exception {
        Admission admission = new Admission(2, 1, 60_000);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<?> export = threads.submit(() -> admission.export(() -> hold(running, release)));
            assertTrue(running.await(10, TimeUnit.SECONDS));
            assertThrows(BulkheadException.class, () -> admission.export(() -> { }));
            release.countDown();
            export.get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }

    private static String hold(CountDownLatch running, CountDownLatch release) {
        running.countDown();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "held";
    }
}
