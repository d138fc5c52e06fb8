package dev.lancebridge.api;

import dev.lancebridge.ingest.ReembedStatus;
import dev.lancebridge.ingest.Reembeds;
import dev.lancebridge.search.ArrowIpc;
import dev.lancebridge.search.Encoding;
import dev.lancebridge.search.RowsRequest;
import dev.lancebridge.search.SearchMetrics;
import dev.lancebridge.search.SearchRequest;
import dev.lancebridge.search.SearchResult;
import dev.lancebridge.search.SearchService;
import dev.lancebridge.search.StreamedAnswer;
import dev.lancebridge.search.TableInfo;
import dev.lancebridge.store.MaintenanceStats;
import dev.lancebridge.store.TagInfo;
import dev.lancebridge.store.VersionInfo;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import java.util.Arrays;
import java.util.List;

/**
 * {@code /tables}: what tables there are, what one holds, searching it and exporting it. JSON or,
 * with {@code Accept: application/vnd.apache.arrow.stream}, Arrow IPC streamed from the scanner.
 */
@Path("/tables")
@Blocking
@RolesAllowed(ApiKeys.READ)
public class TablesResource {


    private final SearchService search;
    private final SearchMetrics metrics;
    private final Reembeds reembeds;

    public TablesResource(SearchService search, SearchMetrics metrics, Reembeds reembeds) {
        this.search = search;
        this.metrics = metrics;
        this.reembeds = reembeds;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Names of the tables")
    public List<String> list() {
        return search.tables();
    }

    @GET
    @Path("/{table}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What a table is and holds")
    public TableInfo describe(@PathParam("table") String table) {
        return search.describe(table);
    }

    @POST
    @Path("/{table}/maintenance")
    @RolesAllowed(ApiKeys.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Compact, clean up old versions, build or optimise indexes now; answers what was done")
    public MaintenanceStats maintain(@PathParam("table") String table) {
        return search.maintain(table);
    }

    @GET
    @Path("/{table}/versions")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every committed version of a table, oldest first (for time travel)")
    public List<VersionInfo> versions(@PathParam("table") String table) {
        return search.versions(table);
    }

    @GET
    @Path("/{table}/tags")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Named versions of a table")
    public List<TagInfo> tags(@PathParam("table") String table) {
        return search.tags(table);
    }

    @POST
    @Path("/{table}/tags")
    @RolesAllowed(ApiKeys.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Name a version ({\"name\", \"version\"}; the latest when version is absent)")
    public Response tag(@PathParam("table") String table, TagInfo request) {
        return Response.status(Response.Status.CREATED).entity(search.tag(table, request)).build();
    }

    @DELETE
    @Path("/{table}/tags/{name}")
    @RolesAllowed(ApiKeys.ADMIN)
    @Operation(summary = "Remove a tag: its version is no longer pinned, and cleanup releases it once it is older than the retention")
    public Response untag(@PathParam("table") String table, @PathParam("name") String name) {
        if (!search.untag(table, name)) {
            throw new NotFoundException("table '" + table + "' has no tag '" + name + "'");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{table}/reembed")
    @RolesAllowed(ApiKeys.ADMIN)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rebuild a held table's vectors with its declared embedder, in the background (202; 409 if not held)")
    public Response reembed(@PathParam("table") String table) {
        search.describe(table); // 404 for an unknown table
        return Response.accepted(reembeds.start(table)).build();
    }

    @GET
    @Path("/{table}/reembed")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Progress of the table's re-embed (404 when there is none and the table is not held)")
    public ReembedStatus reembedStatus(@PathParam("table") String table) {
        search.describe(table);
        return reembeds.status(table).orElseThrow(() -> new NotFoundException(
                "table '" + table + "' holds vectors of its declared model and has not been re-embedded"));
    }

    @POST
    @Path("/{table}/search")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Vector, full-text or hybrid search, as JSON")
    public SearchResult search(@PathParam("table") String table, SearchRequest request) {
        return metrics.timed(table, "json", request, () -> search.search(table, request));
    }

    @POST
    @Path("/{table}/search")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(ArrowIpc.MEDIA_TYPE)
    @Operation(summary = "The same search, as an Arrow IPC stream (mode and version in the schema metadata)")
    public Response searchArrow(@PathParam("table") String table, SearchRequest request) {
        return stream(metrics.timedStream(table, "arrow", request, () -> search.searchArrow(table, request, Encoding.ARROW_STREAM)), ArrowIpc.MEDIA_TYPE);
    }

    @GET
    @Path("/{table}/rows")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Export rows as JSON {\"version\", \"rows\"}, streamed")
    public Response rows(@PathParam("table") String table, @QueryParam("filter") String filter,
                         @Parameter(description = "comma-separated column names") @QueryParam("columns") String columns,
                         @QueryParam("limit") Long limit, @QueryParam("offset") Long offset,
                         @QueryParam("version") Long version, @QueryParam("tag") String tag) {
        return stream(search.rows(table, new RowsRequest(filter, split(columns), limit, offset, version, tag, null), Encoding.JSON),
                MediaType.APPLICATION_JSON);
    }

    @GET
    @Path("/{table}/rows")
    @Produces(ArrowIpc.MEDIA_TYPE)
    @Operation(summary = "Export rows as an Arrow IPC stream")
    public Response rowsArrow(@PathParam("table") String table, @QueryParam("filter") String filter,
                              @QueryParam("columns") String columns, @QueryParam("limit") Long limit,
                              @QueryParam("offset") Long offset, @QueryParam("version") Long version,
                              @QueryParam("tag") String tag) {
        return stream(search.rows(table, new RowsRequest(filter, split(columns), limit, offset, version, tag, null), Encoding.ARROW_STREAM),
                ArrowIpc.MEDIA_TYPE);
    }

    private static Response stream(StreamedAnswer answer, String type) {
        return ClientStream.response(answer, type);
    }

    private static List<String> split(String columns) {
        return columns == null || columns.isBlank() ? null
                : Arrays.stream(columns.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
    }
}
