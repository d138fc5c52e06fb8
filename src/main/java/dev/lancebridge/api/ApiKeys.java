package dev.lancebridge.api;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.config.BridgeConfig.ApiRole;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured API keys and the roles each grants. A presented key is compared with every
 * configured one in constant time (digests of equal length, no early exit), so neither the
 * answer's timing nor a key's length tells a caller how close a guess came.
 */
public final class ApiKeys {

    /** The role of every route: describe, search, export, versions, GraphQL. */
    public static final String READ = "read";
    /** Also what changes state: maintenance, re-embed, tag create and delete. */
    public static final String ADMIN = "admin";

    private record Entry(String name, byte[] digest, Set<String> roles) {
    }

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = entries;
    }

    /** The keys of {@code bridge.api}: {@code key} (admin, named "default") and {@code keys.<name>}. */
    public static ApiKeys of(BridgeConfig.Api config) {
        Map<String, Map.Entry<String, ApiRole>> keys = new LinkedHashMap<>();
        config.key().filter(key -> !key.isBlank()).ifPresent(key -> keys.put("default", Map.entry(key, ApiRole.ADMIN)));
        config.keys().forEach((name, named) -> keys.put(name, Map.entry(named.key(), named.role())));
        return of(keys);
    }

    /** Keys by name, each with its key text and role. */
    public static ApiKeys of(Map<String, Map.Entry<String, ApiRole>> keys) {
        List<Entry> entries = new ArrayList<>();
        keys.forEach((name, key) -> {
            if (key.getKey() == null || key.getKey().length() < 16) {
                throw new IllegalArgumentException("API key '" + name + "' is shorter than 16 characters: use a long random key"
                        + " (e.g. openssl rand -hex 32)");
            }
            entries.add(new Entry(name, digest(key.getKey()),
                    key.getValue() == ApiRole.ADMIN ? Set.of(READ, ADMIN) : Set.of(READ)));
        });
        return new ApiKeys(List.copyOf(entries));
    }

    /** No key configured: the API is open. */
    public boolean open() {
        return entries.isEmpty();
    }

    /** The key's name and roles, if {@code presented} is one of the keys. */
    public Optional<Caller> caller(String presented) {
        byte[] digest = digest(presented);
        Entry match = null;
        for (Entry entry : entries) {
            // every entry is compared, whatever matched before
            if (MessageDigest.isEqual(entry.digest, digest)) {
                match = entry;
            }
        }
        return Optional.ofNullable(match).map(entry -> new Caller(entry.name, entry.roles));
    }

    /** Who called: the key's name (never the key) and its roles. */
    public record Caller(String name, Set<String> roles) {
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
