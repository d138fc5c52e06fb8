package dev.lancebridge.store;

import dev.lancebridge.config.BridgeConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.lance.Session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local store: one directory of LanceDB tables. Owns the Arrow allocator and the Lance
 * session (caches) every table shares, and closes them.
 */
@ApplicationScoped
public class LanceStore implements AutoCloseable {

    private final Path root;
    private final BufferAllocator allocator = new RootAllocator();
    private final Session session;
    private final IndexPolicy indexPolicy;
    private final long cacheLimitBytes;
    private final Map<String, LanceTable> tables = new ConcurrentHashMap<>();
    private final Map<String, String> broken = new ConcurrentHashMap<>();
    private boolean closed;
    /** A commit writes at least a data file and a manifest: a store that cannot take this much cannot take a commit. */
    private static final int PROBE_BYTES = 64 * 1024;

    static {
        // once per JVM, before this JVM extracts its own copies
        NativeLeftovers.removeStale();
    }

    @Inject
    public LanceStore(BridgeConfig config) {
        this(config.store().path(), config.store().indexCache().asLongValue(), config.store().metadataCache().asLongValue(),
                indexPolicy(config.store().vectorIndex()));
    }

    /** A store with the default cache bounds and index policy (tests, tools). */
    public LanceStore(Path root) {
        this(root, IndexPolicy.DEFAULT);
    }

    public LanceStore(Path root, IndexPolicy indexPolicy) {
        this(root, 1L << 30, 64L << 20, indexPolicy);
    }

    public LanceStore(Path root, long indexCacheBytes, long metadataCacheBytes, IndexPolicy indexPolicy) {
        this.root = root.toAbsolutePath();
        this.session = Session.create(indexCacheBytes, metadataCacheBytes);
        this.cacheLimitBytes = indexCacheBytes + metadataCacheBytes;
        this.indexPolicy = indexPolicy;
    }

    private static IndexPolicy indexPolicy(BridgeConfig.VectorIndex config) {
        return new IndexPolicy(config.minRows(), config.rowsPerPartition(), config.m(), config.efConstruction());
    }

    public Path root() {
        return root;
    }

    /** Native memory Lance's caches (index pages, manifests and file metadata) hold now, all tables together. */
    public long cacheBytes() {
        return session.sizeBytes();
    }

    /** What the caches may hold: {@code bridge.store.index-cache} plus {@code metadata-cache}. */
    public long cacheLimitBytes() {
        return cacheLimitBytes;
    }

    /**
     * True when the caches are (nearly) full. Then an index that does not fit is read again on
     * every search, which makes it slower than brute force (bench/REPORT.md, vector index).
     */
    public boolean cacheFull() {
        return cacheBytes() >= cacheLimitBytes * 0.95;
    }

    /** Opens (creating if needed) the table {@code name} without declared columns, for vectors of {@code dimension} made by {@code model}. */
    public LanceTable open(String name, int dimension, String model) {
        return open(name, TableLayout.plain(dimension, model));
    }

    /**
     * Opens (creating if needed) the table {@code name} laid out as {@code layout}.
     *
     * @throws IncompatibleTableException when the stored table cannot take the layout
     */
    public LanceTable open(String name, TableLayout layout) {
        return tables.computeIfAbsent(name, n -> {
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the store directory " + root, e);
            }
            return LanceTable.open(n, root, allocator.newChildAllocator(n, 0, Long.MAX_VALUE), session, layout, indexPolicy);
        });
    }

    /** Records that {@code name} could not be opened: it is out of service, the other tables are not. */
    public void markBroken(String name, String reason) {
        broken.put(name, reason);
    }

    /** Why {@code name} could not be opened at start-up; empty when it is open or was never tried. */
    public Optional<String> broken(String name) {
        return Optional.ofNullable(broken.get(name));
    }

    /** The model and dimension the vectors of the stored table {@code name} are from; empty when there is no such table yet. */
    public Optional<StoredEmbedding> storedEmbedding(String name) {
        Path path = root.resolve(name + ".lance");
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try (org.lance.Dataset dataset = org.lance.Dataset.open(allocator, path.toString(),
                new org.lance.ReadOptions.Builder().setSession(session).build())) {
            org.apache.arrow.vector.types.pojo.Schema schema = dataset.getSchema();
            return Optional.of(new StoredEmbedding(SchemaEvolution.storedModel(schema).orElse(null),
                    SchemaEvolution.storedDimension(schema)));
        } catch (Exception e) { // Lance's JNI throws IOException undeclared
            throw new StoreException("could not read table '" + name + "' at " + path + ": " + e.getMessage(), e);
        }
    }

    public Optional<LanceTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    /**
     * True when the store takes writes: a small probe file can be written and synced (a full
     * disk or a read-only directory refuses it; permissions alone would not tell a full disk).
     */
    public boolean writable() {
        Path probe = root.resolve(".write-probe");
        try {
            try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.allocate(PROBE_BYTES));
                channel.force(false);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // read-only: nothing was written
            }
        }
    }

    /** Closes every table, then the session and allocator; later calls do nothing. */
    @PreDestroy
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        tables.values().forEach(LanceTable::close);
        tables.clear();
        session.close();
        try {
            allocator.close();
        } catch (IllegalStateException e) {
            // a table abandoned mid-index-build still holds buffers; the process is exiting
        }
    }
}
