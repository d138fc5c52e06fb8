package dev.lancebridge.store;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.Dataset;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Every id the table may hold, as 64-bit fingerprints: a row whose id is not here cannot exist
 * in the table, so the writer appends it instead of merging it (a merge-insert joins every row
 * the id index does not cover yet). Never misses an id: the ids of every batch are added before
 * its commit, and the table's ids at open are loaded in the background; until that load is done
 * every id may exist. A deleted id stays, and two ids sharing a fingerprint both count as known:
 * either way the row takes the guarded merge, which is always right, only slower.
 *
 * <p>An open-addressing set of primitive longs: 16 bytes per id at most, no boxing.
 */
final class KnownIds {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(KnownIds.class);
    /** The fingerprint 0 marks a free slot; an id that hashes to it is stored as this instead. */
    private static final long ZERO_STANDS_FOR = 0x9E3779B97F4A7C15L;

    private long[] slots = new long[1 << 12];
    private int size;
    private volatile boolean loaded;
    private volatile boolean stopped;

    /** False while the table's ids are being loaded, and for good when loading them failed: then every id may exist. */
    boolean loaded() {
        return loaded;
    }

    /** True unless {@code id} is certainly not in the table. */
    synchronized boolean mayHold(String id) {
        return !loaded || contains(fingerprint(id));
    }

    /**
     * Adds the ids a commit is about to write (before the commit: a failed one leaves them known,
     * which is harmless) and tells, for each, whether the table may have held it already, as
     * {@link #mayHold} would have before: one fingerprint per id.
     */
    synchronized boolean[] admit(List<String> ids) {
        boolean[] mayBeHeld = new boolean[ids.size()];
        for (int i = 0; i < mayBeHeld.length; i++) {
            long fingerprint = fingerprint(ids.get(i));
            mayBeHeld[i] = !loaded || contains(fingerprint);
            insert(fingerprint);
        }
        return mayBeHeld;
    }

    synchronized int size() {
        return size;
    }

    /**
     * Reads the {@code id} column of {@code dataset}, merging it with what the writer added
     * meanwhile, then counts as loaded. Closes {@code dataset}. On failure, stays not loaded (every
     * row takes the merge, as before this set existed) and says why.
     */
    void load(String table, Dataset dataset) {
        long start = System.nanoTime();
        try (dataset;
             LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().columns(List.of(TableSchema.ID)).batchSize(8192).build());
             ArrowReader reader = scanner.scanBatches()) {
            long[] batch = new long[8192];
            byte[] id = new byte[256];
            while (!stopped && reader.loadNextBatch()) {
                VarCharVector ids = (VarCharVector) reader.getVectorSchemaRoot().getVector(TableSchema.ID);
                int rows = ids.getValueCount();
                if (batch.length < rows) {
                    batch = new long[rows];
                }
                ArrowBuf data = ids.getDataBuffer();
                for (int i = 0; i < rows; i++) {
                    int from = ids.getStartOffset(i);
                    int length = ids.getEndOffset(i) - from;
                    if (id.length < length) {
                        id = new byte[length];
                    }
                    data.getBytes(from, id, 0, length); // the id's UTF-8 bytes, hashed as a String id's are
                    batch[i] = fingerprint(id, length);
                }
                synchronized (this) {
                    for (int i = 0; i < rows; i++) {
                        insert(batch[i]);
                    }
                }
            }
            loaded = !stopped;
            LOG.debugf("table %s: %d known ids loaded in %.0f ms", table, size(), (System.nanoTime() - start) / 1e6);
        } catch (Exception | LinkageError e) {
            LOG.warnf("table %s: could not load its ids (every row is merged on id, which is slower, not wrong): %s", table, e.toString());
        }
    }

    /** Ends a {@link #load} at its next batch: the table is closing. */
    void stop() {
        stopped = true;
    }

    private static long fingerprint(String id) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return fingerprint(bytes, bytes.length);
    }

    /** FNV-1a over the id's first {@code length} UTF-8 bytes, then a 64-bit finalizer (Stafford's mix 13) so that every bit counts. */
    private static long fingerprint(byte[] utf8, int length) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < length; i++) {
            hash = (hash ^ (utf8[i] & 0xff)) * 0x100000001b3L;
        }
        return mix(hash);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z = z ^ (z >>> 31);
        return z == 0 ? ZERO_STANDS_FOR : z;
    }

    private boolean contains(long fingerprint) {
        int mask = slots.length - 1;
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            if (slots[i] == fingerprint) {
                return true;
            }
            if (slots[i] == 0) {
                return false;
            }
        }
    }

    private void insert(long fingerprint) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        int mask = slots.length - 1;
        for (int i = (int) fingerprint & mask; ; i = (i + 1) & mask) {
            if (slots[i] == fingerprint) {
                return;
            }
            if (slots[i] == 0) {
                slots[i] = fingerprint;
                size++;
                return;
            }
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long fingerprint : old) {
            if (fingerprint != 0) {
                insert(fingerprint);
            }
        }
    }
}
