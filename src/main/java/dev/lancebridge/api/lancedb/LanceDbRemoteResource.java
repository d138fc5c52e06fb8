package dev.lancebridge.api.lancedb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lancebridge.api.ApiError;
import dev.lancebridge.api.ApiKeys;
import dev.lancebridge.api.ClientStream;
import dev.lancebridge.search.Encoding;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.search.SearchService;
import dev.lancebridge.search.StreamedAnswer;
import dev.lancebridge.store.IndexInfo;
import dev.lancebridge.store.TableSchema;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The remote-table protocol LanceDB's own clients speak ({@code lancedb.connect("db://...",
 * api_key=..., host_override="http://bridge:8080")}): list, describe, count and query a table,
 * its indexes and versions, through the same search code and API keys ({@code x-api-key}) as
 * {@code /tables}. Query answers are Arrow IPC in the file framing the clients read by default,
 * or a stream when asked. Writes ({@code add}, {@code merge_insert} on {@code id}, {@code delete})
 * become events on the table's stream ({@link RemoteWrites}); other changes are refused.
 */
@Path("/v1")
@Blocking
@RolesAllowed(ApiKeys.READ)
public class LanceDbRemoteResource {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final com.fasterxml.jackson.databind.ObjectMapper READER = new com.fasterxml.jackson.databind.ObjectMapper();
    /** Lance's index types by the names LanceDB's clients know them by. */
    private static final Map<String, String> INDEX_TYPES = Map.of("BTREE", "BTREE", "INVERTED", "FTS", "FTS", "FTS",
            "IVF_HNSW_SQ", "IVF_HNSW_SQ", "IVF_PQ", "IVF_PQ", "IVF_FLAT", "IVF_FLAT", "IVF_SQ", "IVF_SQ", "BITMAP", "BITMAP",
            "LABEL_LIST", "LABEL_LIST");

    /** The id a LanceDB client gives each request, the same on its retries. */
    private static final String REQUEST_ID = "x-request-id";

    private final SearchService search;
    private final RemoteWrites writes;

    public LanceDbRemoteResource(SearchService search, RemoteWrites writes) {
        this.search = search;
        this.writes = writes;
    }

    @GET
    @Path("/table/")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: table names, paged by name")
    public ObjectNode list(@QueryParam("limit") Integer limit, @QueryParam("page_token") String pageToken) {
        List<String> after = search.tables().stream().filter(name -> pageToken == null || name.compareTo(pageToken) > 0).toList();
        List<String> page = limit == null || limit <= 0 || limit >= after.size() ? after : after.subList(0, limit);
        ObjectNode answer = JSON.objectNode();
        ArrayNode tables = answer.putArray("tables");
        page.forEach(tables::add);
        if (page.size() < after.size()) {
            answer.put("page_token", page.get(page.size() - 1));
        } else {
            answer.putNull("page_token");
        }
        return answer;
    }

    /** The Lance REST Namespace spec's form of the list: the tables of the root namespace, the only one the bridge has. */
    @GET
    @Path("/namespace/{namespace}/table/list")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Lance REST Namespace: the tables of the root namespace")
    public ObjectNode listInNamespace(@PathParam("namespace") String namespace, @QueryParam("delimiter") String delimiter,
                                      @QueryParam("limit") Integer limit, @QueryParam("page_token") String pageToken) {
        String root = delimiter == null || delimiter.isEmpty() ? "$" : delimiter;
        if (!namespace.equals(root) && !namespace.isEmpty()) {
            throw new jakarta.ws.rs.NotFoundException("the bridge has one namespace, the root ('" + root + "'); there is no '"
                    + namespace + "'");
        }
        return list(limit, pageToken);
    }

    @POST
    @Path("/table/{table}/exists/")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Lance REST Namespace: 200 when the table exists, 404 when not")
    public Response exists(@PathParam("table") String table) {
        search.schema(table, null);
        return Response.ok().build();
    }

    @POST
    @Path("/table/{table}/describe/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: a table's version and schema (Lance's JSON form)")
    public ObjectNode describe(@PathParam("table") String table, JsonNode body) {
        SearchService.VersionedSchema described = search.schema(table, version(body));
        ObjectNode answer = JSON.objectNode();
        answer.put("table", table);
        answer.putArray("namespace");
        answer.put("version", described.version());
        answer.set("schema", LanceJsonSchema.of(withoutEmbeddingFunctions(described.schema())));
        return answer;
    }

    @POST
    @Path("/table/{table}/count_rows/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: rows matching a predicate, as a bare number")
    public long countRows(@PathParam("table") String table, JsonNode body) {
        JsonNode predicate = body == null ? null : body.get("predicate");
        return search.countRows(table, predicate == null || predicate.isNull() ? null : predicate.asText(), version(body));
    }

    /** The Lance REST Namespace client counts with a GET (its body, when it sends one, as for the POST). */
    @GET
    @Path("/table/{table}/count_rows/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Lance REST Namespace: rows matching a predicate, as a bare number")
    public long countRowsByGet(@PathParam("table") String table, @QueryParam("predicate") String predicate,
                               @QueryParam("version") Long version, String body) {
        if (body != null && !body.isBlank()) {
            try {
                return countRows(table, READER.readTree(body));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new InvalidSearchException("count_rows takes a JSON body {\"predicate\", \"version\"}: " + e.getOriginalMessage());
            }
        }
        return search.countRows(table, predicate, version);
    }

    @POST
    @Path("/table/{table}/query/")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "LanceDB protocol: a vector, full-text or plain query, as Arrow IPC (file framing unless a stream is asked for)")
    public Response query(@PathParam("table") String table, @HeaderParam(HttpHeaders.ACCEPT) String accept, RemoteQuery query) {
        if (query == null) {
            throw new InvalidSearchException("a query needs a JSON body");
        }
        Encoding encoding = accept != null && accept.contains(Encoding.ARROW_STREAM.mediaType()) ? Encoding.ARROW_STREAM
                : Encoding.ARROW_FILE;
        float[] vector = query.queryVector();
        String text = query.queryText();
        query.checkSupported(vector, text);
        List<String> columns = query.projection(search.schema(table, query.version()).schema().getFields().stream()
                .map(org.apache.arrow.vector.types.pojo.Field::getName).filter(name -> !name.equals(TableSchema.ID)).toList());
        StreamedAnswer answer = vector == null && text == null ? search.rows(table, query.rows(columns), encoding)
                : search.searchArrow(table, query.search(vector, text, columns), encoding);
        return ClientStream.response(answer, encoding.mediaType());
    }

    @POST
    @Path("/table/{table}/index/list/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: a table's indexes")
    public ObjectNode indexes(@PathParam("table") String table) {
        ObjectNode answer = JSON.objectNode();
        ArrayNode list = answer.putArray("indexes");
        for (IndexInfo index : search.indexes(table)) {
            String type = INDEX_TYPES.get(index.type().toUpperCase(Locale.ROOT));
            if (type == null) {
                continue; // a kind the clients cannot name: leaving it out beats failing their whole list
            }
            ObjectNode entry = list.addObject();
            entry.put("index_name", index.name());
            index.columns().forEach(entry.putArray("columns")::add);
            entry.put("index_type", type);
            entry.put("num_indexed_rows", index.indexedRows());
            entry.put("num_unindexed_rows", index.unindexedRows());
        }
        return answer;
    }

    @POST
    @Path("/table/{table}/index/{index}/stats/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: one index's statistics")
    public Response indexStats(@PathParam("table") String table, @PathParam("index") String name) {
        for (JsonNode index : indexes(table).get("indexes")) {
            if (index.get("index_name").asText().equals(name)) {
                ObjectNode stats = JSON.objectNode();
                stats.set("index_type", index.get("index_type"));
                stats.set("num_indexed_rows", index.get("num_indexed_rows"));
                stats.set("num_unindexed_rows", index.get("num_unindexed_rows"));
                if (index.get("index_type").asText().startsWith("IVF")) {
                    stats.put("distance_type", RemoteQuery.DISTANCE);
                }
                return Response.ok(stats, MediaType.APPLICATION_JSON).build();
            }
        }
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(ApiError.of(404, "unknown index", "table '" + table + "' has no index '" + name + "'")).build();
    }

    @POST
    @Path("/table/{table}/version/list/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: a table's versions on disk")
    public ObjectNode versions(@PathParam("table") String table) {
        ObjectNode answer = JSON.objectNode();
        ArrayNode list = answer.putArray("versions");
        search.versions(table).forEach(version -> {
            ObjectNode entry = list.addObject();
            entry.put("version", version.version());
            entry.put("timestamp", version.committedAt().toString());
            entry.putObject("metadata");
        });
        return answer;
    }

    @POST
    @Path("/table/{table}/insert/")
    @RolesAllowed(ApiKeys.ADMIN) // a read key must not change data
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: add rows (Arrow IPC); each row is published to the table's stream as an upsert by id")
    public ObjectNode insert(@PathParam("table") String table, @QueryParam("mode") String mode,
                             @HeaderParam(REQUEST_ID) String requestId, InputStream body) {
        if (mode != null && !mode.equalsIgnoreCase("append")) {
            throw new InvalidSearchException("mode '" + mode + "' is not supported: a bridge table follows its stream, rows are added"
                    + " (upserted by id), never overwritten wholesale");
        }
        return written(table, writes.upsert(table, requestOrFresh(requestId), body));
    }

    @POST
    @Path("/table/{table}/merge_insert/")
    @RolesAllowed(ApiKeys.ADMIN) // a read key must not change data
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: upsert on id (Arrow IPC), published to the table's stream")
    public ObjectNode mergeInsert(@PathParam("table") String table, @QueryParam("on") List<String> on,
                                  @QueryParam("when_matched_update_all") boolean updateMatched,
                                  @QueryParam("when_matched_update_all_filt") String updateFilter,
                                  @QueryParam("when_not_matched_insert_all") boolean insertNew,
                                  @QueryParam("when_not_matched_by_source_delete") boolean deleteMissing,
                                  @HeaderParam(REQUEST_ID) String requestId, InputStream body) {
        if (!on.equals(List.of(TableSchema.ID)) || !updateMatched || !insertNew || deleteMissing || updateFilter != null) {
            throw new InvalidSearchException("the bridge upserts by id: merge_insert(\"id\").when_matched_update_all()"
                    + ".when_not_matched_insert_all() is the one form it takes (got on=" + on + ")");
        }
        int rows = writes.upsert(table, requestOrFresh(requestId), body);
        ObjectNode answer = written(table, rows);
        answer.put("num_inserted_rows", 0); // not known before the commit: the events are in the stream, not yet in the table
        answer.put("num_updated_rows", 0);
        answer.put("num_deleted_rows", 0);
        return answer;
    }

    @POST
    @Path("/table/{table}/delete/")
    @RolesAllowed(ApiKeys.ADMIN) // a read key must not change data
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: delete by predicate; each matching row's delete is published to the table's stream")
    public ObjectNode delete(@PathParam("table") String table, @HeaderParam(REQUEST_ID) String requestId, JsonNode body) {
        JsonNode predicate = body == null ? null : body.get("predicate");
        return written(table, writes.delete(table, requestOrFresh(requestId),
                predicate == null || predicate.isNull() ? null : predicate.asText()));
    }

    /** The answer to a write: the version the table is at now (the write shows at a later commit) and the events published. */
    private ObjectNode written(String table, int events) {
        ObjectNode answer = JSON.objectNode();
        answer.put("version", search.schema(table, null).version());
        answer.put("events_published", events);
        return answer;
    }

    /** A client that sends no request id still gets ids unique to this request (a retry of it may then double). */
    private static String requestOrFresh(String requestId) {
        return requestId == null || requestId.isBlank() ? java.util.UUID.randomUUID().toString() : requestId;
    }

    @POST
    @Path("/table/{table}/{operation: update|add_columns|alter_columns|drop_columns|create_index"
            + "|create_scalar_index|drop|restore|checkout}/")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "LanceDB protocol: other changes are refused; a bridge table follows its stream")
    public Response refuseChange(@PathParam("table") String table, @PathParam("operation") String operation) {
        search.schema(table, null); // an unknown table is still a 404
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON).entity(ApiError.of(400, "not supported",
                "table '" + table + "' follows its stream: rows are added, merged on id and deleted as events; '"
                        + operation + "' is not supported over this protocol")).build();
    }

    /**
     * The schema without LanceDB's embedding-function metadata: over this protocol the bridge
     * embeds, so a client must neither embed written rows itself nor need the function installed.
     */
    private static org.apache.arrow.vector.types.pojo.Schema withoutEmbeddingFunctions(org.apache.arrow.vector.types.pojo.Schema schema) {
        Map<String, String> metadata = new java.util.HashMap<>(schema.getCustomMetadata());
        metadata.remove(TableSchema.EMBEDDING_FUNCTIONS);
        return new org.apache.arrow.vector.types.pojo.Schema(schema.getFields(), metadata);
    }

    private static Long version(JsonNode body) {
        JsonNode version = body == null ? null : body.get("version");
        return version == null || version.isNull() ? null : version.asLong();
    }
}
