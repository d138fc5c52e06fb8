package dev.lancebridge.store;

import org.apache.arrow.vector.ipc.ArrowReader;
import org.lance.ipc.LanceScanner;

/**
 * A scan opened and planned (its filter parsed, its schema known) but not yet read: errors in the
 * request surface before a response starts streaming. Close it when done.
 */
public final class OpenScan implements AutoCloseable {

    private final long version;
    private final LanceScanner scanner;
    private final ArrowReader reader;
    private final Runnable releaseDataset;

    OpenScan(long version, LanceScanner scanner, ArrowReader reader, Runnable releaseDataset) {
        this.version = version;
        this.scanner = scanner;
        this.reader = reader;
        this.releaseDataset = releaseDataset;
    }

    public ArrowReader reader() {
        return reader;
    }

    /** The table version being read. */
    public long version() {
        return version;
    }

    @Override
    public void close() {
        try {
            reader.close();
            scanner.close();
        } catch (Exception e) {
            throw new StoreException("closing a scan failed: " + e.getMessage(), e);
        } finally {
            releaseDataset.run();
        }
    }
}
