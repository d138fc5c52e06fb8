package dev.lancebridge.search;

import dev.lancebridge.config.BridgeConfig;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RequestLimitsTest {

    private final RequestLimits limits = new RequestLimits(new BridgeConfig.Limits() {
        public int maxQueryLength() { return 10; }
        public int maxFilterLength() { return 8; }
        public int maxColumns() { return 2; }
        public int maxNprobes() { return 50; }
        public int maxEf() { return 100; }
        public int maxRefine() { return 5; }
        public int maxTotalK() { return 30; }
    });

    private static SearchRequest search(String query, String filter, List<String> columns, Integer nprobes, Integer ef, Integer refine) {
        return SearchRequest.of(query, null, null, filter, columns, null, null, null).tuned(nprobes, ef, refine);
    }

    @Test
    void withinEveryLimitPasses() {
        assertDoesNotThrow(() -> limits.check(search("0123456789", "a = 1", List.of("a", "b"), 50, 100, 5)));
        assertDoesNotThrow(() -> limits.check(search(null, null, null, null, null, null)));
        assertDoesNotThrow(() -> limits.checkTotalK(30));
    }

    @Test
    void eachLimitIsNamedWithItsSetting() {
        refused(search("01234567890", null, null, null, null, null), "'query' may have at most 10 characters, got 11 (bridge.search.limits.max-query-length)");
        refused(search(null, "a = 12345", null, null, null, null), "'filter' may have at most 8 characters, got 9 (bridge.search.limits.max-filter-length)");
        refused(search(null, null, List.of("a", "b", "c"), null, null, null), "'columns' may name at most 2 columns, got 3 (bridge.search.limits.max-columns)");
        refused(search(null, null, null, 51, null, null), "'nprobes' may be at most 50, got 51 (bridge.search.limits.max-nprobes)");
        refused(search(null, null, null, null, 101, null), "'ef' may be at most 100, got 101 (bridge.search.limits.max-ef)");
        refused(search(null, null, null, null, null, 6), "'refine' may be at most 5, got 6 (bridge.search.limits.max-refine)");
        assertEquals("the searches of one request may ask for at most 30 hits in total, got 31 (bridge.search.limits.max-total-k)",
                assertThrows(InvalidSearchException.class, () -> limits.checkTotalK(31)).getMessage());
        assertEquals("'columns' may name at most 2 columns, got 1000 (bridge.search.limits.max-columns)",
                assertThrows(InvalidSearchException.class, () -> limits.check(
                        new RowsRequest(null, Collections.nCopies(1000, "a"), null, null, null, null, null))).getMessage());
    }

    private void refused(SearchRequest request, String message) {
        assertEquals(message, assertThrows(InvalidSearchException.class, () -> limits.check(request)).getMessage());
    }
}
