package dev.lancebridge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A GraphQL request body JSON-P cannot read (nested deeper than its limit of 1,000, say) is the
 * client's error: 400 in the API's error shape. SmallRye GraphQL lets the parser's exception
 * through, and Quarkus would answer it 500.
 */
@ApplicationScoped
public class GraphQlBodyErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    void route(@Observes Router router) {
        // before Quarkus's own failure handler, which answers everything it gets 500
        router.route("/graphql").order(Integer.MIN_VALUE).failureHandler(this::answer);
    }

    private void answer(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure == null || !unreadableBody(failure) || context.response().headWritten()) {
            context.next();
            return;
        }
        try {
            context.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(JSON.writeValueAsString(ApiError.of(400, "invalid request body",
                            "the GraphQL request is not JSON the server can read: " + failure.getMessage())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ApiError always serialises", e);
        }
    }

    /** A failure of the JSON-P parser reading the body (it throws plain RuntimeExceptions for some limits). */
    static boolean unreadableBody(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            StackTraceElement[] trace = cause.getStackTrace();
            if (cause instanceof jakarta.json.JsonException
                    || trace.length > 0 && trace[0].getClassName().startsWith("org.eclipse.parsson.")) {
                return true;
            }
        }
        return false;
    }
}
