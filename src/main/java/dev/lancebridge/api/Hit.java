package dev.lancebridge.api;

import dev.lancebridge.search.SearchService;
import dev.lancebridge.store.LanceTable;
import dev.lancebridge.store.TableSchema;
import org.eclipse.microprofile.graphql.Name;

import java.util.Map;

/** A search hit in GraphQL: the REST hit's fields under the same names (scores without the leading underscore). */
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
        @Name("embedding_dim") Integer embeddingDim) {

    static Hit of(Map<String, Object> row) {
        return new Hit((String) row.get(TableSchema.ID), (Float) row.get(LanceTable.DISTANCE), (Float) row.get(LanceTable.SCORE),
                (Float) row.get(SearchService.RELEVANCE), (String) row.get(TableSchema.TEXT), (String) row.get(TableSchema.SUBJECT),
                (Long) row.get(TableSchema.STREAM_SEQ), (String) row.get(TableSchema.EVENT_TIME),
                (String) row.get(TableSchema.EMBEDDING_MODEL), (Integer) row.get(TableSchema.EMBEDDING_DIM));
    }
}
