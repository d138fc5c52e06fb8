package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.search.RowsRequest;
import dev.lancebridge.search.SearchRequest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The body of a LanceDB client's {@code /v1/table/{t}/query/}, translated to the bridge's own
 * requests: a vector search, a full-text search, or a plain read (no vector, no text), answered by
 * the same planner as REST. What the bridge cannot do is refused in words the client shows, never
 * silently answered differently. Fields a newer client adds are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record RemoteQuery(JsonNode vector, Long k, String filter, Boolean prefilter, JsonNode columns, Long offset,
                   @JsonProperty("with_row_id") Boolean withRowId, Long version,
                   @JsonProperty("full_text_query") JsonNode fullTextQuery,
                   @JsonProperty("distance_type") String distanceType, Integer nprobes,
                   @JsonProperty("minimum_nprobes") Integer minimumNprobes, Integer ef,
                   @JsonProperty("refine_factor") Integer refineFactor,
                   @JsonProperty("bypass_vector_index") Boolean bypassVectorIndex,
                   @JsonProperty("vector_column") String vectorColumn,
                   @JsonProperty("lower_bound") Double lowerBound, @JsonProperty("upper_bound") Double upperBound) {

    private static final JsonNode JSON_EMPTY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

    /** The only distance the bridge's tables are searched by. */
    static final String DISTANCE = "cosine";

    /** The query vector, or null for a full-text or plain read. */
    float[] queryVector() {
        JsonNode vector = this.vector;
        if (vector != null && vector.isObject()) {
            // the Lance REST Namespace form: {"single_vector": [...]} or {"multi_vector": [[...], ...]}
            JsonNode multi = vector.path("multi_vector");
            if (multi.isArray() && multi.size() > 1) {
                throw new InvalidSearchException("the bridge searches one query vector per request; send the vectors one by one");
            }
            vector = vector.path("single_vector").isArray() && !vector.get("single_vector").isEmpty() ? vector.get("single_vector")
                    : multi.isArray() && multi.size() == 1 ? multi.get(0) : null;
        }
        if (vector == null || vector.isNull() || vector.isArray() && vector.isEmpty()) {
            return null;
        }
        if (!vector.isArray()) {
            throw new InvalidSearchException("'vector' must be an array of numbers");
        }
        float[] values = new float[vector.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode element = vector.get(i);
            if (element.isArray()) {
                throw new InvalidSearchException("the bridge searches one query vector per request; send the vectors one by one");
            }
            if (!element.isNumber()) {
                throw new InvalidSearchException("'vector' element " + i + " is not a number");
            }
            values[i] = element.floatValue();
        }
        return values;
    }

    /** The full-text query's text, or null; only the table's text column is indexed. */
    String queryText() {
        if (fullTextQuery == null || fullTextQuery.isNull()) {
            return null;
        }
        JsonNode fullTextQuery = this.fullTextQuery.has("string_query") ? this.fullTextQuery.get("string_query") // the namespace form
                : this.fullTextQuery;
        JsonNode query = fullTextQuery.get("query");
        if (query == null || !query.isTextual()) {
            throw new InvalidSearchException("the bridge takes full-text queries in their simple form {\"query\": \"...\"}"
                    + " (match on the text column); phrase, boost and boolean queries are not supported");
        }
        JsonNode on = fullTextQuery.get("columns");
        if (on != null && on.isArray()) {
            for (JsonNode column : on) {
                if (!column.asText().equals(dev.lancebridge.store.TableSchema.TEXT)) {
                    throw new InvalidSearchException("full-text search runs on the column '" + dev.lancebridge.store.TableSchema.TEXT
                            + "' only, not '" + column.asText() + "'");
                }
            }
        }
        return query.asText();
    }

    /** The projection: the given column names, else every column of the table (a LanceDB client's default). */
    List<String> projection(List<String> allColumns) {
        if (columns == null || columns.isNull()) {
            return allColumns;
        }
        List<String> names = new ArrayList<>();
        JsonNode columns = this.columns;
        if (columns.isObject() && (columns.has("column_names") || columns.has("column_aliases"))) {
            // the Lance REST Namespace form: {"column_names": [...]} or {"column_aliases": {alias: expression}}
            columns.path("column_names").forEach(column -> names.add(column.asText()));
            columns = columns.path("column_aliases").isObject() ? columns.get("column_aliases") : JSON_EMPTY;
        }
        if (columns.isArray()) {
            columns.forEach(column -> names.add(column.asText()));
        } else if (columns.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = columns.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> column = it.next();
                if (!column.getKey().equals(column.getValue().asText())) {
                    throw new InvalidSearchException("the bridge returns columns as they are stored; '" + column.getKey() + "' = '"
                            + column.getValue().asText() + "' asks for a computed column");
                }
                names.add(column.getKey());
            }
        } else {
            throw new InvalidSearchException("'columns' must be a list of names");
        }
        return names;
    }

    /** Refuses the knobs the bridge has no equivalent for. */
    void checkSupported(float[] query, String text) {
        if (distanceType != null && !distanceType.equalsIgnoreCase(DISTANCE)) {
            throw new InvalidSearchException("the bridge's tables are searched by cosine distance; distance_type '" + distanceType
                    + "' is not supported");
        }
        if (vectorColumn != null && !vectorColumn.equals(dev.lancebridge.store.TableSchema.VECTOR)) {
            throw new InvalidSearchException("a bridge table has one vector column, '" + dev.lancebridge.store.TableSchema.VECTOR
                    + "'; there is no '" + vectorColumn + "'");
        }
        if (lowerBound != null || upperBound != null) {
            throw new InvalidSearchException("distance ranges (lower_bound, upper_bound) are not supported");
        }
        if (query != null && text != null) {
            throw new InvalidSearchException("give a vector or a full-text query, not both: hybrid search fuses two queries client-side");
        }
        if ((query != null || text != null) && offset != null && offset > 0) {
            throw new InvalidSearchException("'offset' pages plain reads only; for more hits ask for a larger k");
        }
    }

    /** A vector or full-text search at the given projection. */
    SearchRequest search(float[] query, String text, List<String> projection) {
        Integer probes = nprobes != null ? nprobes : minimumNprobes;
        Integer hits = k == null ? null : (int) Math.min(k, Integer.MAX_VALUE); // beyond max-k is refused by the planner
        return new SearchRequest(text, query, hits, filter, projection, prefilter, query != null ? "vector" : "fulltext", version, null,
                probes != null && probes > 0 ? probes : null, ef, refineFactor, bypassVectorIndex, withRowId);
    }

    /** A plain read: {@code k} is the limit (clients send the largest integer for none: every matching row, within the bridge's limits). */
    RowsRequest rows(List<String> projection) {
        return new RowsRequest(filter, projection, k, offset, version, null, withRowId);
    }
}
