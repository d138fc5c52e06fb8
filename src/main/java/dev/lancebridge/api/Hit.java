package dev.lancebridge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.search.SearchService;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.TableSchema;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Name;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A search hit in GraphQL: the REST hit's fields under the same names (scores without the leading
 * underscore); the table's declared columns, whose names and types vary by table, as one JSON
 * object in {@code columns}.
 */
public record Hit(
        String id,
        Float distance,
        Float score,
        @Name("relevance_score") Float relevanceScore,
        String text,
        String subject,
        @Name("stream_seq") Long streamSeq,
        @Name("event_time") String eventTime,
        @Name("embedding_model") String embeddingModel,
        @Name("embedding_dim") Integer embeddingDim,
        @Name("text_hash") String textHash,
        @Name("source_position") @Description("A Debezium table's source position of the row's change (else null)") Long sourcePosition,
        @Description("The table's declared columns of this hit, as a JSON object") String columns) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NOT_DECLARED = Set.of(LanceTable.DISTANCE, LanceTable.SCORE, SearchService.RELEVANCE);

    static Hit of(Map<String, Object> row) {
        return new Hit((String) row.get(TableSchema.ID), (Float) row.get(LanceTable.DISTANCE), (Float) row.get(LanceTable.SCORE),
                (Float) row.get(SearchService.RELEVANCE), (String) row.get(TableSchema.TEXT), (String) row.get(TableSchema.SUBJECT),
                (Long) row.get(TableSchema.STREAM_SEQ), (String) row.get(TableSchema.EVENT_TIME),
                (String) row.get(TableSchema.EMBEDDING_MODEL), (Integer) row.get(TableSchema.EMBEDDING_DIM),
                (String) row.get(TableSchema.TEXT_HASH), (Long) row.get(TableSchema.SOURCE_POSITION), declared(row));
    }

    private static String declared(Map<String, Object> row) {
        Map<String, Object> columns = new TreeMap<>();
        row.forEach((column, value) -> {
            if (!TableSchema.BUILT_IN_COLUMNS.contains(column) && !NOT_DECLARED.contains(column)) {
                columns.put(column, value);
            }
        });
        try {
            return JSON.writeValueAsString(columns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a hit's columns are plain values", e);
        }
    }
}
