package dev.lancebridge.search;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.TableSchema;
import dev.lancebridge.store.TableStats;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validates searches, embeds text queries with the table's model and runs them on the store. */
@ApplicationScoped
public class SearchService {

    static final int DEFAULT_K = 10;

    private final BridgeConfig config;
    private final LanceStore store;
    private final Embedder embedder;

    public SearchService(BridgeConfig config, LanceStore store, Embedder embedder) {
        this.config = config;
        this.store = store;
        this.embedder = embedder;
    }

    public TableInfo describe(String name) {
        LanceTable table = table(name);
        BridgeConfig.Table declared = config.tables().get(name);
        TableStats stats = table.stats();
        return new TableInfo(name, stats.rows(), stats.version(), declared.stream(), declared.subjects(),
                new TableInfo.Embedding(table.model(), table.dimension()), table.path().toString());
    }

    public List<String> tables() {
        return config.tables().keySet().stream().sorted().toList();
    }

    public SearchResult search(String name, SearchRequest request) {
        LanceTable table = table(name);
        if (request == null) {
            throw new InvalidSearchException("a search needs a JSON body with 'query' or 'vector'");
        }
        int k = request.k() == null ? DEFAULT_K : request.k();
        if (k < 1 || k > config.search().maxK()) {
            throw new InvalidSearchException("'k' must be between 1 and " + config.search().maxK() + ", got " + k);
        }
        String filter = request.filter() == null || request.filter().isBlank() ? null : request.filter();
        List<Map<String, Object>> rows;
        try {
            rows = table.nearest(queryVector(request, table.dimension()), k, filter, TableSchema.SCALAR_COLUMNS);
        } catch (IllegalArgumentException e) {
            throw new InvalidSearchException(filter == null ? "search failed: " + e.getMessage()
                    : "invalid filter '" + filter + "': " + e.getMessage(), e);
        }
        return new SearchResult(rows.stream().map(SearchService::hit).toList());
    }

    private float[] queryVector(SearchRequest request, int dimension) {
        boolean hasQuery = request.query() != null && !request.query().isBlank();
        if (hasQuery && request.vector() != null) {
            throw new InvalidSearchException("give either 'query' or 'vector', not both");
        }
        if (hasQuery) {
            return embedder.embed(List.of(request.query())).get(0);
        }
        if (request.vector() == null) {
            throw new InvalidSearchException("a search needs 'query' (text) or 'vector' (" + dimension + " numbers)");
        }
        if (request.vector().size() != dimension) {
            throw new InvalidSearchException("'vector' must have " + dimension + " numbers, got " + request.vector().size());
        }
        float[] vector = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            Float value = request.vector().get(i);
            if (value == null || !Float.isFinite(value)) {
                throw new InvalidSearchException("'vector' element " + i + " is not a finite number");
            }
            vector[i] = value;
        }
        return vector;
    }

    /** {@code id} and {@code _distance} first, then the other columns in table order. */
    private static Map<String, Object> hit(Map<String, Object> row) {
        Map<String, Object> hit = new LinkedHashMap<>();
        hit.put(TableSchema.ID, row.get(TableSchema.ID));
        hit.put(LanceTable.DISTANCE, row.get(LanceTable.DISTANCE));
        row.forEach(hit::putIfAbsent);
        return hit;
    }

    private LanceTable table(String name) {
        if (!config.tables().containsKey(name)) {
            throw new UnknownTableException(name);
        }
        return store.table(name).orElseThrow(() -> new UnknownTableException(name));
    }
}
