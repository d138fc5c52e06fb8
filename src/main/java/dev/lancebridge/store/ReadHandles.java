package dev.lancebridge.store;

import org.apache.arrow.memory.BufferAllocator;
import org.lance.Dataset;
import org.lance.Session;

/**
 * How a table's versions are opened for reading. The latest committed version is opened once
 * and shared by concurrent reads until the writer commits a newer one (opening a version costs a
 * manifest read, too much per query); any other version is opened for the one read that asks.
 * Its lock guards the shared handle alone and is never held while another lock is taken.
 */
final class ReadHandles {

    private final String table;
    private final String uri;
    private final StoreLocation store;
    private final BufferAllocator allocator;
    private final Session session;
    /** The handle of the latest version, shared; guarded by this object's lock. */
    private Shared latest;

    ReadHandles(String table, String uri, StoreLocation store, BufferAllocator allocator, Session session) {
        this.table = table;
        this.uri = uri;
        this.store = store;
        this.allocator = allocator;
        this.session = session;
    }

    /** A handle of its own on the newest version; the caller closes it. */
    Dataset openLatest() {
        return Dataset.open(allocator, uri, store.read(session));
    }

    /** A handle of its own on {@code version}; the caller closes it. */
    Dataset openVersion(long version) {
        try {
            return Dataset.open(allocator, uri, store.read(session, version));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("table '" + table + "' has no version " + version, e);
        }
    }

    /** The shared handle of version {@code committed} (reopened when that is newer than the one held); release it when done. */
    synchronized Shared acquire(long committed) {
        if (latest == null || latest.dataset.version() != committed) {
            Shared previous = latest;
            latest = new Shared(openLatest());
            if (previous != null) {
                previous.release();
            }
        }
        latest.users++;
        return latest;
    }

    /** Lets go of the shared handle; it closes once its last reader has released it. */
    synchronized void close() {
        if (latest != null) {
            latest.release();
            latest = null;
        }
    }

    /** A dataset handle closed when its last user, the cache included, lets go. */
    final class Shared {
        final Dataset dataset;
        private int users = 1;

        private Shared(Dataset dataset) {
            this.dataset = dataset;
        }

        void release() {
            synchronized (ReadHandles.this) {
                if (--users == 0) {
                    dataset.close();
                }
            }
        }
    }
}
