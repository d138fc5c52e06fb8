package dev.lancebridge.search;

import dev.lancebridge.config.BridgeConfig;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * How many searches and exports run at once, and how long a search may take: SmallRye Fault
 * Tolerance bulkheads (a caller beyond the limit is refused at once, never queued) and a timeout.
 * The timeout interrupts the search's thread; the search stops at its next stage boundary
 * ({@link #checkNotTimedOut()}), since Lance's native work cannot be cut short.
 */
@ApplicationScoped
public class Admission {

    private final Guard searches;
    private final Guard exports;

    @Inject
    public Admission(BridgeConfig config) {
        this(config.search().maxConcurrent(), config.search().maxConcurrentExports(), config.search().timeout().toMillis());
    }

    Admission(int concurrentSearches, int concurrentExports, long timeoutMillis) {
        this.searches = Guard.create().withDescription("search")
                .withBulkhead().limit(concurrentSearches).done()
                .withTimeout().duration(timeoutMillis, ChronoUnit.MILLIS).done()
                .build();
        this.exports = Guard.create().withDescription("export").withBulkhead().limit(concurrentExports).done().build();
    }

    /** Runs a search in one of the search slots, within the timeout. */
    @SuppressWarnings("unchecked")
    public <T> T search(Supplier<T> search) {
        return (T) searches.get(search::get, Object.class);
    }

    /** Streams a search's answer in one of the search slots, within the timeout. */
    public void searchStream(Runnable search) {
        run(searches, search);
    }

    /** Streams an export in one of the export slots (no timeout: an export takes as long as its client reads). */
    public void export(Runnable export) {
        run(exports, export);
    }

    private static void run(Guard guard, Runnable work) {
        guard.get(() -> {
            work.run();
            return Boolean.TRUE;
        }, Boolean.class);
    }

    /** Between stages of a search: stops one whose time is up (the timeout interrupted its thread). */
    public static void checkNotTimedOut() {
        if (Thread.currentThread().isInterrupted()) {
            throw new SearchTimedOutException();
        }
    }

    /** Thrown at a stage boundary of a search whose time is up; the guard reports it as its timeout. */
    static final class SearchTimedOutException extends RuntimeException {
        SearchTimedOutException() {
            super("the search's time is up", null, false, false);
        }
    }
}
