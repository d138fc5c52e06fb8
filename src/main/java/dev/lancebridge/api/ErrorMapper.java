package dev.lancebridge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.lancebridge.search.InvalidSearchException;
import dev.lancebridge.search.UnknownTableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure of the HTTP API to {@link ApiError} with the right status. */
public class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    @ServerExceptionMapper
    public Response unknownTable(UnknownTableException e) {
        return error(Response.Status.NOT_FOUND, "unknown table", e.getMessage());
    }

    @ServerExceptionMapper
    public Response invalidSearch(InvalidSearchException e) {
        return error(Response.Status.BAD_REQUEST, "invalid search", e.getMessage());
    }

    /** A key whose role does not reach the route (a read key on maintenance, re-embed or tags). */
    @ServerExceptionMapper
    public Response forbidden(io.quarkus.security.ForbiddenException e) {
        return error(Response.Status.FORBIDDEN, "forbidden", "this route needs an API key with role 'admin'");
    }

    /** A change sent to a search replica: only the writer changes a table. */
    @ServerExceptionMapper
    public Response readOnly(dev.lancebridge.store.ReadOnlyTableException e) {
        return error(Response.Status.CONFLICT, "search replica", e.getMessage());
    }

    @ServerExceptionMapper
    public Response reembedRefused(dev.lancebridge.ingest.ReembedRefusedException e) {
        return error(Response.Status.CONFLICT, "re-embed refused", e.getMessage());
    }

    /** A table that could not be opened at start-up: out of service until it is rolled back. */
    @ServerExceptionMapper
    public Response brokenTable(dev.lancebridge.store.BrokenTableException e) {
        return error(Response.Status.SERVICE_UNAVAILABLE, "table unavailable", e.getMessage());
    }

    /** A remote embedder that is down or slow: the caller may retry; ingest waits for it too. */
    @ServerExceptionMapper
    public Response embedderUnavailable(dev.lancebridge.embed.EmbedderUnavailableException e) {
        return Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE, "embedder unavailable", e.getMessage()))
                .header("Retry-After", "5").build();
    }

    /** JetStream did not store a LanceDB client's write in time: the client retries, and the retry is not doubled. */
    @ServerExceptionMapper
    public Response writeUnavailable(dev.lancebridge.api.lancedb.RemoteWrites.WriteUnavailableException e) {
        return Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE, "write not stored", e.getMessage()))
                .header("Retry-After", "1").build();
    }

    /** Every search (or export) slot is taken: the caller should come back shortly, nothing waits in a queue. */
    @ServerExceptionMapper
    public Response full(org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException e) {
        return Response.fromResponse(error(Response.Status.TOO_MANY_REQUESTS, "too many requests",
                "every slot for this kind of request is taken (bridge.search.max-concurrent, max-concurrent-exports): retry shortly"))
                .header("Retry-After", "1").build();
    }

    /** A search that ran past bridge.search.timeout. */
    @ServerExceptionMapper
    public Response timedOut(org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException e) {
        return Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE, "search timed out",
                "the search took longer than bridge.search.timeout; narrow it (k, filter, nprobes, ef) or retry later"))
                .header("Retry-After", "5").build();
    }

    /** The embedding endpoint refused the query text itself (its 4xx): the caller's to change, not an outage. */
    @ServerExceptionMapper
    public Response embeddingRefused(dev.lancebridge.embed.EmbeddingException e) {
        return error(Response.Status.BAD_REQUEST, "query not embedded", e.getMessage());
    }

    /** A body that is not valid JSON or does not fit the request's shape (a string for {@code k}, a null in a vector). */
    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        String where = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? "'" + field(mapping) + "': " : "";
        return error(Response.Status.BAD_REQUEST, "invalid request body", where + e.getOriginalMessage());
    }

    /** Where in the body the problem is, such as {@code vector[1]}. */
    private static String field(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference step : e.getPath()) {
            if (step.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(step.getFieldName());
            } else {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Declared for the narrower type too, so that it wins over Quarkus's own mapper for it. */
    @ServerExceptionMapper
    public Response mismatchedBody(MismatchedInputException e) {
        return unreadableBody(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableBody(unreadable); // the JSON reader wraps syntax errors
        }
        // a streamed answer that could not start (its slots all taken, or its time up before a byte was sent) fails
        // while the body is written: Quarkus wraps it in a 500, but nothing was sent yet, so it is answered as a
        // refusal or a timeout is anywhere else
        if (e.getCause() instanceof org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException refused) {
            return full(refused);
        }
        if (e.getCause() instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException late) {
            return timedOut(late);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(status, status.getReasonPhrase().toLowerCase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return error(Response.Status.INTERNAL_SERVER_ERROR, "internal error", e.getMessage());
    }

    private static Response error(Response.StatusType status, String error, Object detail) {
        // details may repeat another system's error text (an embedding endpoint's), credentials and all
        Object shown = detail instanceof String text ? dev.lancebridge.config.Redaction.secrets(text) : detail;
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ApiError.of(status.getStatusCode(), error, shown)).build();
    }
}
