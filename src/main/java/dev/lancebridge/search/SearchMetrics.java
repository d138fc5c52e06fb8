package dev.lancebridge.search;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Supplier;

/**
 * Search latency as {@code bridge.search.duration}, tagged {@code table}, {@code format} (json,
 * arrow, graphql) and {@code mode}; a streamed answer is timed until its last byte is written.
 * Only answered searches are timed: a request the caller must fix is not a latency.
 */
@ApplicationScoped
public class SearchMetrics {

    private final MeterRegistry registry;

    public SearchMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public <T> T timed(String table, String format, SearchRequest request, Supplier<T> search) {
        long start = System.nanoTime();
        T answer = search.get();
        timer(table, format, request).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return answer;
    }

    public StreamedAnswer timedStream(String table, String format, SearchRequest request, Supplier<StreamedAnswer> search) {
        long start = System.nanoTime();
        StreamedAnswer answer = search.get();
        return out -> {
            answer.writeTo(out);
            timer(table, format, request).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        };
    }

    private Timer timer(String table, String format, SearchRequest request) {
        return Timer.builder("bridge.search.duration").description("answering a search, until its last byte for a streamed answer")
                .tags("table", table, "format", format, "mode", SearchMode.parse(request.mode()).wire())
                .register(registry);
    }
}
