package dev.lancebridge.api;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A key a caller presented, to be checked by {@link ApiKeyIdentityProvider}. */
public class ApiKeyRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyRequest[***]"; // never the key
    }
}
