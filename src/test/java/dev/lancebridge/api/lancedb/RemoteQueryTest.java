package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.search.RowsRequest;
import dev.lancebridge.search.SearchRequest;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What LanceDB clients send (bodies as the TypeScript SDK 0.39.0 sent them) becomes the bridge's own requests, or a clear refusal. */
class RemoteQueryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ALL = List.of("text", "vector");

    private static RemoteQuery parse(String body) throws Exception {
        return JSON.readValue(body, RemoteQuery.class);
    }

    @Test
    void aVectorSearchKeepsItsKnobs() throws Exception {
        RemoteQuery query = parse("{\"distance_type\":\"cosine\",\"ef\":null,\"k\":10,\"lower_bound\":null,\"maximum_nprobes\":4,"
                + "\"minimum_nprobes\":4,\"nprobes\":4,\"prefilter\":true,\"refine_factor\":2,\"upper_bound\":null,"
                + "\"vector\":[1.0,2.0,3.0],\"version\":null,\"with_row_id\":true,\"filter\":\"id <> 'x'\",\"columns\":[\"id\"],"
                + "\"some_future_field\":1}");
        float[] vector = query.queryVector();
        assertArrayEquals(new float[] {1, 2, 3}, vector);
        assertNull(query.queryText());
        query.checkSupported(vector, null);
        SearchRequest search = query.search(vector, null, query.projection(ALL));
        assertEquals("vector", search.mode());
        assertEquals(10, search.k());
        assertEquals(4, search.nprobes());
        assertEquals(2, search.refine());
        assertEquals(true, search.withRowId());
        assertEquals("id <> 'x'", search.filter());
        assertEquals(List.of("id"), search.columns());
    }

    @Test
    void aPlainReadWithTheLargestKIsEveryRow() throws Exception {
        RemoteQuery query = parse("{\"filter\":\"id = 'a'\",\"k\":9223372036854775807,\"offset\":1,\"prefilter\":true,\"vector\":[],\"version\":3}");
        assertNull(query.queryVector());
        RowsRequest rows = query.rows(query.projection(ALL));
        assertEquals(Long.MAX_VALUE, rows.limit());
        assertEquals(1, rows.offset());
        assertEquals(3, rows.version());
        assertEquals(ALL, rows.columns()); // a client's default: every column, the vector too
    }

    @Test
    void theSimpleFullTextFormIsASearchOnTheTextColumn() throws Exception {
        RemoteQuery query = parse("{\"full_text_query\":{\"columns\":[],\"query\":\"hello\"},\"k\":3,\"prefilter\":true,\"vector\":[]}");
        assertEquals("hello", query.queryText());
        assertEquals("fulltext", query.search(null, "hello", ALL).mode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"vector\":[1,2,3],\"distance_type\":\"l2\"}                                  | cosine",
        "{\"vector\":[1,2,3],\"distance_type\":\"dot\"}                                 | cosine",
        "{\"vector\":[1,2,3],\"vector_column\":\"embedding\"}                           | one vector column",
        "{\"vector\":[1,2,3],\"lower_bound\":0.1}                                       | distance ranges",
        "{\"vector\":[1,2,3],\"offset\":5}                                              | offset",
        "{\"vector\":[1,2,3],\"full_text_query\":{\"query\":\"a\"}}                     | not both",
        "{\"vector\":[[1,2,3],[4,5,6]]}                                                 | one query vector",
        "{\"vector\":[1,\"x\",3]}                                                       | not a number",
        "{\"vector\":\"1,2,3\"}                                                         | array of numbers",
        "{\"vector\":[],\"full_text_query\":{\"query\":{\"match\":{\"terms\":\"a\"}}}}  | simple form",
        "{\"vector\":[],\"full_text_query\":{\"columns\":[\"title\"],\"query\":\"a\"}}  | only",
        "{\"vector\":[],\"columns\":{\"n\":\"length(text)\"}}                            | computed column",
        "{\"vector\":[],\"columns\":\"text\"}                                            | list of names",
    })
    void whatTheBridgeCannotDoIsRefusedInWords(String body, String says) throws Exception {
        RemoteQuery query = parse(body);
        InvalidSearchException refused = assertThrows(InvalidSearchException.class, () -> {
            float[] vector = query.queryVector();
            String text = query.queryText();
            query.checkSupported(vector, text);
            query.projection(ALL);
        });
        assertTrue(refused.getMessage().contains(says), refused.getMessage());
    }

    /** The Lance REST Namespace spec's shapes of the same request. */
    @Test
    void theNamespaceFormsAreTheSameQuery() throws Exception {
        RemoteQuery vector = parse("{\"id\":[\"events\"],\"k\":3,\"vector\":{\"single_vector\":[1,2,3],\"multi_vector\":[]},"
                + "\"columns\":{\"column_names\":[\"text\"]}}");
        assertArrayEquals(new float[] {1, 2, 3}, vector.queryVector());
        assertEquals(List.of("text"), vector.projection(ALL));
        assertNull(parse("{\"vector\":{\"single_vector\":null,\"multi_vector\":[]}}").queryVector());
        assertArrayEquals(new float[] {4, 5}, parse("{\"vector\":{\"multi_vector\":[[4,5]]}}").queryVector());
        assertEquals("fox", parse("{\"vector\":{},\"full_text_query\":{\"string_query\":{\"query\":\"fox\",\"columns\":[\"text\"]}}}")
                .queryText());
        InvalidSearchException several = assertThrows(InvalidSearchException.class,
                () -> parse("{\"vector\":{\"multi_vector\":[[1],[2]]}}").queryVector());
        assertTrue(several.getMessage().contains("one query vector"));
        InvalidSearchException structured = assertThrows(InvalidSearchException.class,
                () -> parse("{\"full_text_query\":{\"structured_query\":{\"query\":{\"match\":{}}}}}").queryText());
        assertTrue(structured.getMessage().contains("simple form"));
    }

    @Test
    void aColumnMapNamingStoredColumnsIsAProjection() throws Exception {
        assertEquals(List.of("text"), parse("{\"vector\":[],\"columns\":{\"text\":\"text\"}}").projection(ALL));
    }

    /** The schema JSON in Lance's form, as LanceDB's clients parse it. */
    @Test
    void schemaInLancesJsonForm() throws Exception {
        Field item = new Field("item", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
        Schema schema = new Schema(List.of(
                new Field("id", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
                new Field("vector", FieldType.nullable(new ArrowType.FixedSizeList(384)), List.of(item)),
                new Field("n", FieldType.nullable(new ArrowType.Int(32, true)), null),
                new Field("at", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC")), null),
                new Field("local", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)), null),
                new Field("tags", FieldType.nullable(ArrowType.List.INSTANCE),
                        List.of(new Field("item", FieldType.nullable(ArrowType.Utf8.INSTANCE), null)))),
                Map.of("embedding_functions", "[]"));
        assertEquals(JSON.readTree("""
                {"fields": [
                  {"name": "id", "type": {"type": "string"}, "nullable": false},
                  {"name": "vector", "type": {"type": "fixed_size_list", "fields": [{"name": "item", "type": {"type": "float"}, "nullable": true}],
                   "length": 384}, "nullable": true},
                  {"name": "n", "type": {"type": "int32"}, "nullable": true},
                  {"name": "at", "type": {"type": "timestamp:ms:UTC"}, "nullable": true},
                  {"name": "local", "type": {"type": "timestamp:us:-"}, "nullable": true},
                  {"name": "tags", "type": {"type": "list", "fields": [{"name": "item", "type": {"type": "string"}, "nullable": true}]},
                   "nullable": true}],
                 "metadata": {"embedding_functions": "[]"}}"""), LanceJsonSchema.of(schema));
        assertThrows(IllegalStateException.class, () -> LanceJsonSchema.name(new ArrowType.Duration(TimeUnit.SECOND)));
    }
}
