package dev.lancebridge.search;

import dev.lancebridge.config.BridgeConfig;

import java.util.List;

/** The most one search or export may ask for ({@code bridge.search.limits}): what exceeds it is a 400 naming the limit. */
public final class RequestLimits {

    private final BridgeConfig.Limits limits;

    public RequestLimits(BridgeConfig.Limits limits) {
        this.limits = limits;
    }

    public void check(SearchRequest request) {
        atMost("'query' may have at most %d characters", length(request.query()), limits.maxQueryLength(), "max-query-length");
        filterAndColumns(request.filter(), request.columns());
        atMost("'nprobes' may be at most %d", value(request.nprobes()), limits.maxNprobes(), "max-nprobes");
        atMost("'ef' may be at most %d", value(request.ef()), limits.maxEf(), "max-ef");
        atMost("'refine' may be at most %d", value(request.refine()), limits.maxRefine(), "max-refine");
    }

    public void check(RowsRequest request) {
        filterAndColumns(request.filter(), request.columns());
    }

    /** {@code total}: the hits the searches of one GraphQL request ask for, the next one included. */
    public void checkTotalK(long total) {
        atMost("the searches of one request may ask for at most %d hits in total", total, limits.maxTotalK(), "max-total-k");
    }

    private void filterAndColumns(String filter, List<String> columns) {
        atMost("'filter' may have at most %d characters", length(filter), limits.maxFilterLength(), "max-filter-length");
        atMost("'columns' may name at most %d columns", columns == null ? 0 : columns.size(), limits.maxColumns(), "max-columns");
    }

    private static void atMost(String rule, long given, long limit, String setting) {
        if (given > limit) {
            throw new InvalidSearchException(rule.formatted(limit) + ", got " + given + " (bridge.search.limits." + setting + ")");
        }
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }

    private static long value(Integer given) {
        return given == null ? 0 : given;
    }
}
