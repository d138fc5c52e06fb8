package dev.lancebridge.api;

import dev.lancebridge.search.SearchRequest;
import dev.lancebridge.search.SearchResult;
import dev.lancebridge.search.SearchService;
import dev.lancebridge.search.TableInfo;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code /tables}: what tables there are, what one holds, and searching it. */
@Path("/tables")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class TablesResource {

    private final SearchService search;

    public TablesResource(SearchService search) {
        this.search = search;
    }

    @GET
    public List<String> list() {
        return search.tables();
    }

    @GET
    @Path("/{table}")
    public TableInfo describe(@PathParam("table") String table) {
        return search.describe(table);
    }

    @POST
    @Path("/{table}/search")
    @Consumes(MediaType.APPLICATION_JSON)
    public SearchResult search(@PathParam("table") String table, SearchRequest request) {
        return search.search(table, request);
    }
}
