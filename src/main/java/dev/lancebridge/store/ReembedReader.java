package dev.lancebridge.store;

import dev.lancebridge.normalize.Row;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.Session;
import org.lance.WriteParams;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.ScanOptions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * A table version's rows with their vectors made again by another embedder, batch by batch as
 * Lance pulls them: what a re-embed writes. Every column but the vector and its metadata moves
 * from the scanned batch by buffer transfer, not by copy.
 */
final class ReembedReader extends ArrowReader {

    private final ArrowReader source;
    private final Schema target;
    private final String model;
    private final Function<List<String>, List<float[]>> embed;
    private final LongConsumer progress;
    private boolean sourceClosed;

    /**
     * Writes every row of {@code latest} (a table of {@code store}) again, with vectors from {@code embed} laid out as
     * {@code next}, as one new version of the table (an overwrite: one commit). Every other
     * column keeps its stored type.
     */
    static void rewrite(String table, Dataset latest, StoreLocation store, TableLayout next, Function<List<String>, List<float[]>> embed,
                        LongConsumer progress, BufferAllocator allocator, Session session) {
        Schema stored = latest.getSchema();
        List<Field> fields = new ArrayList<>();
        for (Field field : stored.getFields()) {
            fields.add(field.getName().equals(TableSchema.VECTOR) ? next.schema().findField(TableSchema.VECTOR) : field);
        }
        Schema target = new Schema(fields, next.schema().getCustomMetadata());
        List<String> read = stored.getFields().stream().map(Field::getName)
                .filter(column -> !column.equals(TableSchema.VECTOR)).toList();
        try (LanceScanner scanner = latest.newScan(new ScanOptions.Builder().columns(read).batchSize(256).build());
             ReembedReader rows = new ReembedReader(allocator, scanner.scanBatches(), target, next.model(), embed, progress);
             Dataset ignored = Dataset.write().allocator(allocator).reader(rows).uri(latest.uri())
                     .mode(WriteParams.WriteMode.OVERWRITE).storageOptions(store.options()).session(session).execute()) {
            // committed: the new version holds every row with its new vector
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException("re-embedding table '" + table + "' failed: " + e.getMessage(), e);
        }
    }

    ReembedReader(BufferAllocator allocator, ArrowReader source, Schema target, String model,
                  Function<List<String>, List<float[]>> embed, LongConsumer progress) {
        super(allocator);
        this.source = source;
        this.target = target;
        this.model = model;
        this.embed = embed;
        this.progress = progress;
    }

    @Override
    public boolean loadNextBatch() throws java.io.IOException {
        prepareLoadNextBatch();
        while (source.loadNextBatch()) {
            VectorSchemaRoot in = source.getVectorSchemaRoot();
            int n = in.getRowCount();
            if (n == 0) {
                continue;
            }
            VarCharVector textColumn = (VarCharVector) in.getVector(TableSchema.TEXT);
            List<String> texts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                texts.add(textColumn.isNull(i) ? "" : new String(textColumn.get(i), StandardCharsets.UTF_8));
            }
            List<float[]> vectors = embed.apply(texts);
            try (VectorSchemaRoot out = VectorSchemaRoot.create(target, allocator)) {
                out.allocateNew();
                for (FieldVector column : out.getFieldVectors()) {
                    String name = column.getName();
                    switch (name) {
                        case TableSchema.VECTOR -> fillVectors((FixedSizeListVector) column, vectors);
                        case TableSchema.EMBEDDING_MODEL -> fillText((VarCharVector) column, n, i -> model);
                        case TableSchema.TEXT_HASH -> fillText((VarCharVector) column, n, i -> Row.hash(texts.get(i)));
                        case TableSchema.EMBEDDING_DIM -> {
                            IntVector dims = (IntVector) column;
                            for (int i = 0; i < n; i++) {
                                dims.setSafe(i, vectors.get(i).length);
                            }
                            dims.setValueCount(n);
                        }
                        default -> in.getVector(name).makeTransferPair(column).transfer();
                    }
                }
                out.setRowCount(n);
                try (ArrowRecordBatch records = new VectorUnloader(out).getRecordBatch()) {
                    loadRecordBatch(records);
                }
            }
            progress.accept(n);
            return true;
        }
        return false;
    }

    private static void fillVectors(FixedSizeListVector column, List<float[]> vectors) {
        Float4Vector values = (Float4Vector) column.getDataVector();
        int size = column.getListSize();
        for (int i = 0; i < vectors.size(); i++) {
            float[] vector = vectors.get(i);
            if (vector.length != size) {
                throw new IllegalStateException("the embedder answered a " + vector.length + "-dimensional vector, not " + size);
            }
            column.setNotNull(i);
            for (int j = 0; j < size; j++) {
                values.setSafe(i * size + j, vector[j]);
            }
        }
        values.setValueCount(vectors.size() * size);
        column.setValueCount(vectors.size());
    }

    private static void fillText(VarCharVector column, int n, java.util.function.IntFunction<String> value) {
        for (int i = 0; i < n; i++) {
            column.setSafe(i, value.apply(i).getBytes(StandardCharsets.UTF_8));
        }
        column.setValueCount(n);
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    /** Lance closes the reader when it has consumed it, the caller closes it again: the source closes once. */
    @Override
    protected void closeReadSource() throws java.io.IOException {
        if (!sourceClosed) {
            sourceClosed = true;
            source.close();
        }
    }

    @Override
    protected Schema readSchema() {
        return target;
    }
}
