package dev.lancebridge.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Reads the caller's API key from {@code x-api-key} (what LanceDB's clients send) or
 * {@code Authorization: Bearer}. Without a key configured every caller gets every role. A missing
 * or wrong key is answered 401 in the API's one error shape, with {@code WWW-Authenticate}.
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {

    static final String API_KEY_HEADER = "x-api-key";
    private static final String BEARER = "bearer ";
    private static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    private static final String CHALLENGE = "Bearer realm=\"lance-event-bridge\"";
    private static final SecurityIdentity OPEN = ApiKeyIdentityProvider.identity("open", Set.of(ApiKeys.READ, ApiKeys.ADMIN));

    private final ApiAccess access;
    private final ObjectMapper json;

    public ApiKeyMechanism(ApiAccess access, ObjectMapper json) {
        this.access = access;
        this.json = json;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (access.keys().open()) {
            return Uni.createFrom().item(OPEN);
        }
        String key = presented(context.request());
        if (key == null) {
            return Uni.createFrom().nullItem(); // anonymous: routes that need a role answer 401
        }
        return identities.authenticate(HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyRequest(key), context));
    }

    /** The key in {@code x-api-key}, else in {@code Authorization: Bearer}; null when neither holds one. */
    static String presented(HttpServerRequest request) {
        String key = request.getHeader(API_KEY_HEADER);
        if (key == null) {
            String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
            if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
                key = authorization.substring(BEARER.length());
            }
        }
        return key == null || key.isBlank() ? null : key.trim();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, WWW_AUTHENTICATE, CHALLENGE));
    }

    /** The challenge with a body in the API's error shape, so that a 401 reads like every other error. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        boolean presented = presented(context.request()) != null;
        ApiError error = ApiError.of(401, "unauthorized", presented
                ? "the API key is not valid"
                : "this API needs a key: send it as 'x-api-key: <key>' or 'Authorization: Bearer <key>'");
        try {
            String body = json.writeValueAsString(error);
            context.response().setStatusCode(401)
                    .putHeader(WWW_AUTHENTICATE, CHALLENGE)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an ApiError always serialises", e);
        }
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyRequest.class);
    }
}
