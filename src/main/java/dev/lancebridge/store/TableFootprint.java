package dev.lancebridge.store;

import java.nio.file.Files;
import java.nio.file.Path;

/** What a table occupies on a local disk, counted from the directory listing (for {@link LanceTable#stats}). */
final class TableFootprint {

    private final StoreLocation store;
    private final String table;

    TableFootprint(StoreLocation store, String table) {
        this.store = store;
        this.table = table;
    }

    /**
     * Manifests under {@code _versions/}: one per version still on disk. Counted from the listing,
     * because reading every manifest ({@code listVersions}) costs a file read per version, and a
     * busy table keeps tens of thousands within the retention. -1 on an object store, where a
     * listing is a paged request per thousand objects: too much for a status read.
     */
    int versionsOnDisk() {
        Path path = directory();
        if (path == null) {
            return -1;
        }
        try (java.util.stream.Stream<Path> files = Files.list(path.resolve("_versions"))) {
            return (int) files.filter(file -> file.getFileName().toString().endsWith(".manifest")).count();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** The table's directory; null on an object store. */
    private Path directory() {
        return store.local() ? store.directory().resolve(table + ".lance") : null;
    }

    /** Bytes under the table's directory: every version's data, manifests and indexes; -1 on an object store (as above). */
    long diskBytes() {
        Path path = directory();
        if (path == null) {
            return -1;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (java.io.IOException e) {
                    return 0; // removed by a cleanup meanwhile
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }
}
