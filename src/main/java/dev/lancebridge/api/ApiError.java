package dev.lancebridge.api;

/** The one error shape of the HTTP API. */
public record ApiError(String error, Object detail) {
}
