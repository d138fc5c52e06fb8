package dev.lancebridge.search;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.embed.Embedder;
import dev.lancebridge.embed.Embedders;
import dev.lancebridge.store.LanceStore;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.Maintenance;
import dev.lancebridge.store.MaintenanceStats;
import dev.lancebridge.store.OpenScan;
import dev.lancebridge.store.ScanRequest;
import dev.lancebridge.store.TableSchema;
import dev.lancebridge.store.TableStats;
import dev.lancebridge.store.TagInfo;
import dev.lancebridge.store.VersionInfo;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates searches and exports, embeds text queries with the table's model, and runs them on
 * the store, answering as JSON-ready hits or as an Arrow IPC stream written batch by batch.
 */
@ApplicationScoped
public class SearchService {

    public static final int DEFAULT_K = 10;
    /** Reciprocal rank fusion constant (the usual 60): damps the weight of the very top ranks. */
    static final int RRF_K = 60;
    public static final String RELEVANCE = "_relevance_score";

    private final BridgeConfig config;
    private final LanceStore store;
    private final Embedders embedders;
    private final Maintenance maintenance;
    private final Admission admission;
    private final RequestLimits limits;

    private final dev.lancebridge.replica.SearchReplica replica;

    public SearchService(BridgeConfig config, LanceStore store, Embedders embedders, Maintenance maintenance, Admission admission,
                         dev.lancebridge.replica.SearchReplica replica) {
        this.config = config;
        this.replica = replica;
        this.store = store;
        this.embedders = embedders;
        this.maintenance = maintenance;
        this.admission = admission;
        this.limits = new RequestLimits(config.search().limits());
    }

    public TableInfo describe(String name) {
        LanceTable table = table(name);
        BridgeConfig.Table declared = config.tables().get(name);
        TableStats stats = table.stats();
        Map<String, String> columns = new java.util.TreeMap<>();
        declared.columns().forEach((column, declaration) -> columns.put(column, declaration.type()));
        return new TableInfo(name, stats.rows(), stats.version(), declared.stream(), declared.subjects(), columns,
                new TableInfo.Embedding(declared.embedder(), table.model(), table.dimension()), table.uri(), stats.fragments(),
                stats.versions(), stats.indexes(), stats.diskBytes(), stats.lastMaintenance(), replica.state(name).orElse(null));
    }

    /** Runs a maintenance pass on the table now and says what it did. */
    public MaintenanceStats maintain(String name) {
        return maintenance.run(table(name));
    }

    public List<String> tables() {
        return config.tables().keySet().stream().sorted().toList();
    }

    /** Rows matching {@code predicate} (null: all) at {@code version} (null: the latest); a scan, so it takes a search slot. */
    public long countRows(String name, String predicate, Long version) {
        LanceTable table = table(name);
        Long at = version(table, version, null);
        return admission.search(() -> read(() -> table.countRows(blankToNull(predicate), at)));
    }

    /**
     * The ids of the latest version's rows matching {@code predicate} (what a delete by predicate
     * deletes), at most {@code max}: more is refused rather than cut short.
     */
    public List<String> ids(String name, String predicate, int max) {
        LanceTable table = table(name);
        ScanRequest scan = ScanRequest.rows(blankToNull(predicate), List.of()).paged(max + 1L, 0);
        List<String> ids = admission.search(() -> read(() -> table.scan(scan, (reader, version) -> {
            List<String> found = new ArrayList<>();
            while (reader.loadNextBatch()) {
                org.apache.arrow.vector.VarCharVector column = (org.apache.arrow.vector.VarCharVector) reader.getVectorSchemaRoot()
                        .getVector(TableSchema.ID);
                for (int i = 0; i < column.getValueCount(); i++) {
                    found.add(new String(column.get(i), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return found;
        })));
        if (ids.size() > max) {
            throw new InvalidSearchException("more than " + max + " rows match '" + predicate + "'; delete them in smaller steps");
        }
        return ids;
    }

    /** The table's Arrow schema at {@code version} (null: the latest), and that version. */
    public VersionedSchema schema(String name, Long version) {
        LanceTable table = table(name);
        Long at = version(table, version, null);
        long read = at != null ? at : table.snapshot().version();
        return new VersionedSchema(read, read(() -> table.schema(read)));
    }

    /** The table's indexes now, each with the rows it does not cover yet. */
    public List<dev.lancebridge.store.IndexInfo> indexes(String name) {
        return table(name).indexes();
    }

    /** A table's schema as of a version. */
    public record VersionedSchema(long version, org.apache.arrow.vector.types.pojo.Schema schema) {
    }

    public List<VersionInfo> versions(String name) {
        return table(name).versions();
    }

    /** A search, answered as hits; in one of the search slots, within the search timeout. */
    public SearchResult search(String name, SearchRequest request) {
        LanceTable table = table(name);
        return admission.search(() -> {
            Plan plan = plan(table, request);
            return plan.mode == SearchMode.HYBRID ? hybrid(table, plan) : run(table, plan);
        });
    }

    /** Checks a GraphQL request's searches together ask for no more hits than the limit: {@code total} includes the next. */
    public void checkTotalK(long total) {
        limits.checkTotalK(total);
    }

    /** A vector or full-text plan, run and read into hits. */
    private SearchResult run(LanceTable table, Plan plan) {
        return read(() -> table.scan(plan.scan(), (reader, version) ->
                new SearchResult(plan.mode.wire(), version, ArrowRows.all(reader))));
    }

    /**
     * The same search as {@link #search}, as an Arrow IPC stream (the mode and table version in
     * the schema metadata). Vector and full-text answers stream the scanner's batches as they are.
     */
    public StreamedAnswer searchArrow(String name, SearchRequest request, Encoding encoding) {
        LanceTable table = table(name);
        Plan plan = admission.search(() -> plan(table, request)); // embedding the query is part of the cost
        if (plan.mode == SearchMode.HYBRID) {
            if (Boolean.TRUE.equals(request.withRowId())) {
                throw new InvalidSearchException("'withRowId' is for vector, full-text and plain reads, not a hybrid answer");
            }
            SearchResult result = admission.search(() -> hybrid(table, plan));
            return out -> table.asArrow(result.hits(), plan.columns, List.of(LanceTable.DISTANCE, LanceTable.SCORE, RELEVANCE),
                    result.version(), (reader, version) -> {
                        ArrowIpc.write(reader, ArrowIpc.metadata(result.mode(), version), out, encoding);
                        return null;
                    });
        }
        StreamedAnswer answer = stream(table, plan.scan().withRowId(Boolean.TRUE.equals(request.withRowId())), plan.mode.wire(),
                encoding);
        return out -> admission.searchStream(() -> answer.writeTo(out)); // the nearest rows are found as the stream is read
    }

    /** Rows for export, streamed from the scanner: JSON {@code {"version", "rows"}} or Arrow IPC. */
    public StreamedAnswer rows(String name, RowsRequest request, Encoding encoding) {
        LanceTable table = table(name);
        limits.check(request);
        long limit = request.limit() == null ? Long.MAX_VALUE : request.limit();
        long offset = request.offset() == null ? 0 : request.offset();
        if (limit < 0 || offset < 0) {
            throw new InvalidSearchException("'limit' and 'offset' must not be negative");
        }
        ScanRequest scan = ScanRequest.rows(blankToNull(request.filter()), columns(table, request.columns())).paged(limit, offset)
                .atVersion(version(table, request.version(), request.tag())).withRowId(Boolean.TRUE.equals(request.withRowId()));
        StreamedAnswer answer = stream(table, scan, "rows", encoding);
        return out -> admission.export(() -> answer.writeTo(out));
    }

    private StreamedAnswer stream(LanceTable table, ScanRequest scan, String mode, Encoding encoding) {
        OpenScan open = read(() -> table.openScan(scan));
        return out -> {
            try (open) {
                if (encoding == Encoding.JSON) {
                    JsonRows.write(open.reader(), open.version(), out);
                } else {
                    ArrowIpc.write(open.reader(), ArrowIpc.metadata(mode, open.version()), out, encoding);
                }
            }
        };
    }

    /** Runs a store read, turning a request the caller must fix into a 400. */
    private <T> T read(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidSearchException(e.getMessage(), e);
        }
    }

    private SearchResult hybrid(LanceTable table, Plan plan) {
        int candidates = Math.max(plan.k * 2, 20);
        SearchResult byVector = run(table, plan.with(SearchMode.VECTOR, candidates));
        Admission.checkNotTimedOut();
        // the same version for both halves, even if a commit lands in between
        SearchResult byText = run(table, plan.with(SearchMode.FULLTEXT, candidates).at(byVector.version()));
        Map<String, Map<String, Object>> fused = new LinkedHashMap<>();
        Map<String, Double> relevance = new HashMap<>();
        for (List<Map<String, Object>> ranking : List.of(byVector.hits(), byText.hits())) {
            for (int rank = 0; rank < ranking.size(); rank++) {
                Map<String, Object> hit = ranking.get(rank);
                String id = (String) hit.get(TableSchema.ID);
                fused.computeIfAbsent(id, key -> new LinkedHashMap<>()).putAll(hit);
                relevance.merge(id, 1.0 / (RRF_K + rank + 1), Double::sum);
            }
        }
        List<Map<String, Object>> hits = new ArrayList<>();
        fused.forEach((id, hit) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put(TableSchema.ID, id);
            for (String column : plan.columns) {
                row.put(column, hit.get(column));
            }
            row.put(LanceTable.DISTANCE, hit.get(LanceTable.DISTANCE));
            row.put(LanceTable.SCORE, hit.get(LanceTable.SCORE));
            row.put(RELEVANCE, relevance.get(id).floatValue());
            hits.add(row);
        });
        hits.sort(Comparator.comparing((Map<String, Object> row) -> (Float) row.get(RELEVANCE)).reversed());
        return new SearchResult(SearchMode.HYBRID.wire(), byVector.version(), hits.subList(0, Math.min(plan.k, hits.size())));
    }

    private Plan plan(LanceTable table, SearchRequest request) {
        if (request == null) {
            throw new InvalidSearchException("a search needs a JSON body with 'query' or 'vector'");
        }
        limits.check(request);
        SearchMode mode = SearchMode.parse(request.mode());
        int k = request.k() == null ? DEFAULT_K : request.k();
        if (k < 1 || k > config.search().maxK()) {
            throw new InvalidSearchException("'k' must be between 1 and " + config.search().maxK() + ", got " + k);
        }
        if (request.nprobes() != null && request.nprobes() < 1 || request.ef() != null && request.ef() < 1
                || request.refine() != null && request.refine() < 1) {
            throw new InvalidSearchException("'nprobes', 'ef' and 'refine' must be positive");
        }
        // the version read and the model of its vectors, together: a re-embed switches both at once
        LanceTable.Snapshot snapshot = table.snapshot();
        Long requested = version(table, request.version(), request.tag());
        Long version = requested != null ? requested : Long.valueOf(snapshot.version());
        String query = blankToNull(request.query());
        float[] vector = null;
        switch (mode) {
            case VECTOR -> {
                if (query != null && request.vector() != null) {
                    throw new InvalidSearchException("give either 'query' or 'vector', not both");
                }
                vector = vector(table.name(), snapshot, request, query);
                query = null;
            }
            case FULLTEXT -> {
                if (query == null) {
                    throw new InvalidSearchException("mode 'fulltext' needs 'query' (text)");
                }
                if (request.vector() != null) {
                    throw new InvalidSearchException("mode 'fulltext' takes no 'vector'");
                }
            }
            case HYBRID -> {
                if (query == null) {
                    throw new InvalidSearchException("mode 'hybrid' needs 'query' (text); 'vector' is optional");
                }
                vector = vector(table.name(), snapshot, request, request.vector() != null ? null : query);
            }
        }
        return new Plan(mode, vector, query, k, blankToNull(request.filter()), columns(table, request.columns()),
                request.prefilter() == null || request.prefilter(), version,
                orDefault(request.nprobes(), config.search().nprobes()), orDefault(request.ef(), config.search().ef()),
                orDefault(request.refine(), config.search().refine()), Boolean.TRUE.equals(request.exact()));
    }

    /** The version to read: given, named by a tag, or null for the latest. */
    private Long version(LanceTable table, Long version, String tag) {
        if (version != null && tag != null) {
            throw new InvalidSearchException("give either 'version' or 'tag', not both");
        }
        if (version != null && version < 1) {
            throw new InvalidSearchException("'version' must be a table version (1 or more), got " + version);
        }
        return tag == null ? version : read(() -> table.versionOf(tag));
    }

    public List<TagInfo> tags(String name) {
        return table(name).tags();
    }

    public TagInfo tag(String name, TagInfo request) {
        if (request == null || request.name() == null || !request.name().matches("[A-Za-z0-9._-]{1,100}")) {
            throw new InvalidSearchException("a tag needs a 'name' of letters, digits, '.', '_' or '-' (at most 100)");
        }
        Long version = request.version() > 0 ? request.version() : null;
        return read(() -> table(name).tag(request.name(), version));
    }

    /** Removes a tag; false when the table has none of that name. */
    public boolean untag(String name, String tag) {
        return table(name).untag(tag);
    }

    /** The query vector: the given one (checked) or the embedding of {@code query} by the table's own embedder. */
    private float[] vector(String table, LanceTable.Snapshot stored, SearchRequest request, String query) {
        int dimension = stored.dimension();
        if (query != null) {
            // the model the table's vectors are from: its declared one, or the one it held before a model change
            Embedder embedder = embedders.forModel(stored.model(), stored.dimension(), config.tables().get(table).embedder())
                    .orElseThrow(() -> new InvalidSearchException("table '" + table + "' holds vectors of " + stored.model()
                            + ", which no embedder makes any more: search it with 'vector' or mode 'fulltext', or re-embed it"));
            if (!embedder.embedsText()) {
                throw new InvalidSearchException("table '" + table + "' takes its vectors from the events (embedder '"
                        + config.tables().get(table).embedder() + "'), so it cannot embed a text query: search it with"
                        + " 'vector' (" + dimension + " numbers) or with mode 'fulltext'");
            }
            float[] embedded = embedder.embed(List.of(query)).get(0);
            Admission.checkNotTimedOut();
            return embedded;
        }
        if (request.vector() == null) {
            throw new InvalidSearchException("a search needs 'query' (text) or 'vector' (" + dimension + " numbers)");
        }
        if (request.vector().length != dimension) {
            throw new InvalidSearchException("'vector' must have " + dimension + " numbers, got " + request.vector().length);
        }
        float[] vector = request.vector();
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new InvalidSearchException("'vector' element " + i + " is not a finite float");
            }
        }
        return vector;
    }

    /** The requested columns, else every column but the vector. */
    private static List<String> columns(LanceTable table, List<String> requested) {
        return requested == null || requested.isEmpty() ? table.scalarColumns() : requested;
    }

    /** A value the request gave, else the configured one (0 = leave it to Lance). */
    private static Integer orDefault(Integer given, int configured) {
        return given != null ? given : configured > 0 ? configured : null;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private LanceTable table(String name) {
        if (!config.tables().containsKey(name)) {
            throw new UnknownTableException(name);
        }
        store.broken(name).ifPresent(reason -> {
            throw new dev.lancebridge.store.BrokenTableException(name, reason);
        });
        return store.table(name).orElseThrow(() -> new UnknownTableException(name));
    }

    /** A validated search. */
    private record Plan(SearchMode mode, float[] vector, String text, int k, String filter, List<String> columns,
                        boolean prefilter, Long version, Integer nprobes, Integer ef, Integer refine,
                        boolean exact) {

        ScanRequest scan() {
            ScanRequest search = mode == SearchMode.FULLTEXT ? ScanRequest.fullText(text, k, filter, columns)
                    : ScanRequest.nearest(vector, k, filter, columns);
            return search.withPrefilter(prefilter).atVersion(version).tuned(nprobes, ef, refine, exact);
        }

        Plan with(SearchMode other, int candidates) {
            return new Plan(other, vector, text, candidates, filter, columns, prefilter, version, nprobes, ef, refine, exact);
        }

        Plan at(long pinned) {
            return new Plan(mode, vector, text, k, filter, columns, prefilter, pinned, nprobes, ef, refine, exact);
        }
    }
}
