package dev.lancebridge.store;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.index.DistanceType;
import org.lance.ipc.FullTextQuery;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.Query;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A table's reads: searches, listings and exports planned on one version through
 * {@link ReadHandles}, the stored vectors the embed stage may reuse, and computed rows typed like
 * the table. Never takes the writer's lock: the caller passes the version it may read.
 */
final class TableScans {

    private final String name;
    private final ReadHandles handles;
    private final BufferAllocator allocator;

    TableScans(String name, ReadHandles handles, BufferAllocator allocator) {
        this.name = name;
        this.handles = handles;
        this.allocator = allocator;
    }

    /**
     * The stored vector, its model and text hash, of those {@code ids} the latest version holds:
     * one filtered scan (the id index answers it), so an unchanged text need not be embedded again.
     * With {@code columns} (else null) also the text and those declared columns' values.
     */
    Map<String, dev.lancebridge.embed.StoredVectors.Stored> storedVectors(long committedVersion, java.util.Collection<String> ids,
                                                                          List<dev.lancebridge.config.ColumnDeclaration> columns) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        ReadHandles.Shared shared = handles.acquire(committedVersion);
        try {
            if (shared.dataset.countRows() == 0) {
                return Map.of();
            }
            String filter = TableSchema.ID + " IN (" + ids.stream().map(Upserts::literal).collect(Collectors.joining(",")) + ")";
            List<String> projection = new ArrayList<>(List.of(TableSchema.ID, TableSchema.TEXT_HASH, TableSchema.EMBEDDING_MODEL,
                    TableSchema.VECTOR));
            if (columns != null) {
                projection.add(TableSchema.TEXT);
                columns.forEach(column -> projection.add(column.name()));
            }
            ScanOptions options = new ScanOptions.Builder().columns(projection).filter(filter).build();
            Map<String, dev.lancebridge.embed.StoredVectors.Stored> found = new HashMap<>(ids.size() * 2);
            try (LanceScanner scanner = shared.dataset.newScan(options); ArrowReader reader = scanner.scanBatches()) {
                while (reader.loadNextBatch()) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    VarCharVector idColumn = (VarCharVector) root.getVector(TableSchema.ID);
                    VarCharVector hashes = (VarCharVector) root.getVector(TableSchema.TEXT_HASH);
                    VarCharVector models = (VarCharVector) root.getVector(TableSchema.EMBEDDING_MODEL);
                    org.apache.arrow.vector.complex.FixedSizeListVector vectors =
                            (org.apache.arrow.vector.complex.FixedSizeListVector) root.getVector(TableSchema.VECTOR);
                    org.apache.arrow.vector.Float4Vector values = (org.apache.arrow.vector.Float4Vector) vectors.getDataVector();
                    int size = vectors.getListSize();
                    for (int i = 0; i < root.getRowCount(); i++) {
                        boolean reusable = !hashes.isNull(i) && !models.isNull(i) && !vectors.isNull(i);
                        if (!reusable && columns == null) {
                            continue; // written before rows kept their text hash: embed again
                        }
                        float[] vector = null;
                        if (reusable) {
                            vector = new float[size];
                            for (int j = 0; j < size; j++) {
                                vector[j] = values.get(i * size + j);
                            }
                        }
                        found.put(new String(idColumn.get(i), StandardCharsets.UTF_8), new dev.lancebridge.embed.StoredVectors.Stored(
                                reusable ? new String(hashes.get(i), StandardCharsets.UTF_8) : null,
                                reusable ? new String(models.get(i), StandardCharsets.UTF_8) : null, vector,
                                columns == null ? null : (String) storedValue(root.getVector(TableSchema.TEXT), i),
                                columns == null ? null : storedValues(root, columns, i)));
                    }
                }
            }
            return found;
        } catch (Exception e) {
            throw new StoreException("reading stored vectors of table '" + name + "' failed: " + e.getMessage(), e);
        } finally {
            shared.release();
        }
    }

    private static Object[] storedValues(VectorSchemaRoot root, List<dev.lancebridge.config.ColumnDeclaration> columns, int row) {
        Object[] values = new Object[columns.size()];
        for (int c = 0; c < values.length; c++) {
            values[c] = storedValue(root.getVector(columns.get(c).name()), row);
        }
        return values;
    }

    /** A stored value as the normalizer types it (String, Integer, Long, Double, Boolean, epoch ms, List of String). */
    private static Object storedValue(org.apache.arrow.vector.FieldVector column, int row) {
        if (column.isNull(row)) {
            return null;
        }
        if (column instanceof VarCharVector text) {
            return new String(text.get(row), StandardCharsets.UTF_8);
        }
        if (column instanceof org.apache.arrow.vector.TimeStampVector time) {
            return time.get(row);
        }
        if (column instanceof org.apache.arrow.vector.complex.ListVector list) {
            return list.getObject(row).stream().map(String::valueOf).toList();
        }
        return column.getObject(row);
    }

    /**
     * Runs {@code request} on the requested (or latest) version and hands the scanner's Arrow
     * reader to {@code consumer} while the version is open: batches go from Lance to the
     * consumer without copies. Searches return {@code id}, the requested columns, then
     * {@code _distance} (vector) or {@code _score} (full text).
     *
     * @throws IllegalArgumentException for a request the caller must fix (unknown column or
     *                                  version, invalid filter)
     */
    <T> T scan(long committedVersion, ScanRequest request, LanceTable.ScanConsumer<T> consumer) {
        try (OpenScan scan = open(committedVersion, request)) {
            return consumer.accept(scan.reader(), scan.version());
        } catch (IllegalArgumentException | StoreException e) {
            throw e;
        } catch (Exception e) {
            throw classify(e, request);
        }
    }

    /**
     * Opens and plans {@code request} without reading it; the caller reads and closes it. For
     * answers streamed after the response status is sent: every request error shows up here.
     *
     * @throws IllegalArgumentException for a request the caller must fix
     */
    OpenScan open(long committedVersion, ScanRequest request) {
        ReadHandles.Shared shared = handles.acquire(committedVersion);
        if (request.version() != null && request.version() != shared.dataset.version()) {
            shared.release();
            shared = null;
        }
        Dataset dataset = shared != null ? shared.dataset : handles.openVersion(request.version());
        Runnable release = shared != null ? shared::release : dataset::close;
        List<String> columns;
        try {
            columns = project(dataset.getSchema(), request.columns());
        } catch (IllegalArgumentException e) {
            release.run();
            throw e;
        }
        LanceScanner scanner = null;
        try {
            ScanOptions.Builder options = new ScanOptions.Builder().prefilter(request.prefilter());
            if (request.vector() != null) {
                Query.Builder query = new Query.Builder()
                        .setColumn(TableSchema.VECTOR)
                        .setKey(request.vector())
                        .setK((int) request.limit())
                        .setDistanceType(DistanceType.Cosine);
                if (request.nprobes() != null) {
                    query.setNprobes(request.nprobes());
                }
                if (request.ef() != null) {
                    query.setEf(request.ef());
                }
                if (request.refine() != null) {
                    query.setRefineFactor(request.refine());
                }
                if (request.exact()) {
                    query.setUseIndex(false);
                }
                options.nearest(query.build());
                columns.add(LanceTable.DISTANCE);
            } else if (request.text() != null) {
                options.fullTextQuery(FullTextQuery.match(request.text(), TableSchema.TEXT)).limit(request.limit());
                columns.add(LanceTable.SCORE);
            } else {
                options.limit(request.limit()).offset(request.offset());
            }
            options.columns(columns).withRowId(request.rowId());
            if (request.filter() != null) {
                options.filter(request.filter());
            }
            scanner = dataset.newScan(options.build());
            ArrowReader reader = scanner.scanBatches();
            reader.getVectorSchemaRoot(); // plans the scan: a bad filter fails here, not mid-stream
            return new OpenScan(dataset.version(), scanner, reader, release);
        } catch (RuntimeException | java.io.IOException e) {
            try {
                if (scanner != null) {
                    scanner.close();
                }
            } catch (Exception ignored) {
                // already failing
            }
            release.run();
            throw classify(e, request);
        }
    }

    /** {@code id} first, then the requested columns; each must exist. */
    private static List<String> project(Schema schema, List<String> requested) {
        List<String> columns = new ArrayList<>();
        columns.add(TableSchema.ID);
        for (String column : requested) {
            if (schema.getFields().stream().noneMatch(field -> field.getName().equals(column))) {
                throw new IllegalArgumentException("unknown column '" + column + "'; the table has "
                        + schema.getFields().stream().map(org.apache.arrow.vector.types.pojo.Field::getName).toList());
            }
            if (!columns.contains(column)) {
                columns.add(column);
            }
        }
        return columns;
    }

    /** A request the caller must fix (a 400) apart from I/O trouble (a 500), as {@link LanceFailure} tells them. */
    private RuntimeException classify(Exception e, ScanRequest request) {
        String message = String.valueOf(e.getMessage());
        boolean userError = LanceFailure.of(e) == LanceFailure.INVALID_REQUEST;
        if (userError && request.filter() != null) {
            return new IllegalArgumentException("invalid filter '" + request.filter() + "': " + message, e);
        }
        if (userError) {
            return new IllegalArgumentException(message, e);
        }
        return new StoreException("read of table '" + name + "' failed: " + message, e);
    }

    /**
     * Hands computed rows (e.g. fused hybrid hits) to {@code consumer} as an Arrow reader typed
     * like this table: {@code id}, {@code columns}, then float {@code scores} columns.
     */
    <T> T asArrow(Schema schema, List<Map<String, Object>> rows, List<String> columns, List<String> scores, long version,
                  LanceTable.ScanConsumer<T> consumer) {
        List<String> typed = project(schema, columns);
        try (SingleBatchReader reader = new SingleBatchReader(allocator, RowsToArrow.of(schema, rows, typed, scores, allocator))) {
            return consumer.accept(reader, version);
        } catch (IllegalArgumentException | StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("encoding rows of table '" + name + "' failed: " + e.getMessage(), e);
        }
    }
}
