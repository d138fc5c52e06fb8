package dev.lancebridge.api;

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

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(status, status.getReasonPhrase().toLowerCase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return error(Response.Status.INTERNAL_SERVER_ERROR, "internal error", e.getMessage());
    }

    private static Response error(Response.StatusType status, String error, Object detail) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, detail)).build();
    }
}
