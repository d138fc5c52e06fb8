package dev.lancebridge.api;

import dev.lancebridge.search.SearchMetrics;
import dev.lancebridge.search.SearchRequest;
import dev.lancebridge.search.SearchService;
import dev.lancebridge.search.TableInfo;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Name;
import org.eclipse.microprofile.graphql.Query;

import java.util.List;

/** GraphQL at {@code /graphql}: the REST model under the same names, the same searches, the same hits. */
@GraphQLApi
@Blocking
@RolesAllowed(ApiKeys.READ)
public class TablesGraphQlApi {

    private final SearchService search;
    private final SearchMetrics metrics;
    private final RequestedHits requested;

    public TablesGraphQlApi(SearchService search, SearchMetrics metrics, RequestedHits requested) {
        this.search = search;
        this.metrics = metrics;
        this.requested = requested;
    }

    @Query("tables")
    @Description("Every table")
    public List<TableInfo> tables() {
        return search.tables().stream().map(search::describe).toList();
    }

    @Query("table")
    @Description("One table, by name")
    public TableInfo table(@Name("name") String name) {
        return search.describe(name);
    }

    @Query("search")
    @Description("Vector (default), full-text or hybrid search; the best hits first")
    public List<Hit> search(@Name("table") String table, @Name("query") String query, @Name("vector") float[] vector,
                            @Name("k") Integer k, @Name("filter") String filter, @Name("columns") List<String> columns,
                            @Name("mode") String mode, @Name("version") Long version, @Name("tag") String tag) {
        // one request may hold many aliased searches: together they stay within bridge.search.limits.max-total-k
        search.checkTotalK(requested.add(k == null ? SearchService.DEFAULT_K : Math.max(k, 0)));
        SearchRequest request = SearchRequest.of(query, vector, k, filter, columns, mode, version, tag);
        return metrics.timed(table, "graphql", request, () -> search.search(table, request)).hits().stream().map(Hit::of).toList();
    }
}
