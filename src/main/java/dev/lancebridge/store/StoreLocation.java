package dev.lancebridge.store;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.ReadOptions;
import org.lance.Session;
import org.lance.WriteParams;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the store lives: a local directory (the default) or an object-store prefix Lance supports
 * ({@code s3://bucket/prefix}, {@code gs://}, {@code az://}), with the storage options Lance gets for
 * it (endpoint, region, credentials). Every dataset the bridge keeps is opened and written through
 * here, so that tables, {@code _bridge/} tombstones and index files all go to the same store.
 */
public record StoreLocation(String root, Map<String, String> options) {

    private static final Pattern OBJECT_STORE = Pattern.compile("^(s3|s3a|gs|az|abfs|abfss)://[^/]+.*");

    /** Option names in Lance's snake_case whatever form the configuration gave them in (see {@link #of}). */
    public StoreLocation {
        Map<String, String> named = new java.util.TreeMap<>();
        options.forEach((name, value) -> named.put(name.toLowerCase(java.util.Locale.ROOT).replace('-', '_').replace('.', '_'), value));
        options = Map.copyOf(named);
        root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    }

    /**
     * {@code configured} as given: a URI of an object store, else a local directory (made absolute).
     * Option names are Lance's snake_case whatever form the configuration gave them in
     * ({@code BRIDGE_STORE_OPTIONS_AWS_ENDPOINT} from a Kubernetes Secret arrives as {@code aws-endpoint}).
     */
    public static StoreLocation of(String configured, Map<String, String> options) {
        String trimmed = configured.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("bridge.store.path is empty: give a directory or s3://bucket/prefix");
        }
        if (trimmed.contains("://") && !trimmed.startsWith("file://")) {
            if (!OBJECT_STORE.matcher(trimmed).matches()) {
                throw new IllegalArgumentException("bridge.store.path '" + trimmed + "' is not a store this bridge can use:"
                        + " give a directory, or s3://bucket/prefix, gs://bucket/prefix or az://container/prefix");
            }
            return new StoreLocation(trimmed, options);
        }
        Path directory = trimmed.startsWith("file://") ? Path.of(URI.create(trimmed)) : Path.of(trimmed);
        return new StoreLocation(directory.toAbsolutePath().normalize().toString(), options);
    }

    /** A local directory with no storage options (tests, tools). */
    public static StoreLocation local(Path directory) {
        return new StoreLocation(directory.toAbsolutePath().normalize().toString(), Map.of());
    }

    /** True for a directory on this machine; false for an object store. */
    public boolean local() {
        return !root.contains("://");
    }

    /** The scheme of an object store ({@code s3}, {@code gs}, ...); empty for a local directory. */
    public Optional<String> scheme() {
        return local() ? Optional.empty() : Optional.of(root.substring(0, root.indexOf("://")));
    }

    /** The local directory; only for a local store. */
    public Path directory() {
        if (!local()) {
            throw new IllegalStateException("the store " + root + " is not a local directory");
        }
        return Path.of(root);
    }

    /** The URI of {@code relative} (a dataset such as {@code docs.lance}, or {@code _bridge/x.lance}) in this store. */
    public String uri(String relative) {
        return root + "/" + relative;
    }

    /** Read options sharing the store's caches ({@code session}), with this store's options. */
    public ReadOptions read(Session session) {
        return reading(session).build();
    }

    /** As {@link #read(Session)}, at {@code version}. */
    public ReadOptions read(Session session, long version) {
        return reading(session).setVersion(version).build();
    }

    private ReadOptions.Builder reading(Session session) {
        return new ReadOptions.Builder().setSession(session).setStorageOptions(options);
    }

    /** Write parameters with this store's options. */
    public WriteParams write() {
        return new WriteParams.Builder().withStorageOptions(options).build();
    }

    /** Opens the dataset at {@code uri}; empty when there is none (any other failure is thrown). */
    public Optional<Dataset> open(BufferAllocator allocator, String uri, Session session) {
        try {
            return Optional.of(Dataset.open(allocator, uri, read(session)));
        } catch (IllegalArgumentException e) {
            // how Lance 7.0.0 says "no dataset there", for a directory and an object store alike
            if (String.valueOf(e.getMessage()).contains("was not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Opens the dataset at {@code uri}, creating it empty with {@code schema} when there is none. */
    public Dataset openOrCreate(BufferAllocator allocator, String uri, Session session, Schema schema) {
        return open(allocator, uri, session).orElseGet(() -> Dataset.create(allocator, uri, schema, write()));
    }

    @Override
    public String toString() {
        return root; // never the options: they hold credentials
    }
}
