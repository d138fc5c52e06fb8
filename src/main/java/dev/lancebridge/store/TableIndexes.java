package dev.lancebridge.store;

import org.apache.arrow.vector.types.pojo.Field;
import org.lance.Dataset;
import org.lance.index.DistanceType;
import org.lance.index.IndexDescription;
import org.lance.index.IndexParams;
import org.lance.index.IndexType;
import org.lance.index.OptimizeOptions;
import org.lance.index.scalar.BTreeIndexParams;
import org.lance.index.scalar.InvertedIndexParams;
import org.lance.index.vector.HnswBuildParams;
import org.lance.index.vector.IvfBuildParams;
import org.lance.index.vector.SQBuildParams;
import org.lance.index.vector.VectorIndexParams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The indexes every table keeps: full text on {@code text} and a BTree on {@code id} from the
 * start, and an IVF_HNSW_SQ (cosine) vector index once the table is big enough for brute force to
 * hurt. Rows committed after an index was built are searched without it until it is optimised.
 */
final class TableIndexes {

    static final String TEXT = "text_idx";
    static final String ID = "id_idx";
    static final String VECTOR = "vector_idx";
    /** Unindexed rows from which the full-text index is rebuilt (fewer are searched quickly without it). */
    static final long TEXT_REBUILD_ROWS = 10_000;

    private TableIndexes() {
    }

    /**
     * Created with the table, while it is cheap: full-text search needs the inverted index, and
     * the BTree lets each merge-insert find existing ids without a join over the whole table.
     * Positions are off in the inverted index: no phrase queries.
     */
    static void ensureScalar(Dataset dataset) {
        List<String> existing = dataset.listIndexes();
        if (!existing.contains(TEXT)) {
            buildText(dataset, false);
        }
        if (!existing.contains(ID)) {
            dataset.createIndex(List.of(TableSchema.ID), IndexType.BTREE, Optional.of(ID),
                    IndexParams.builder().setScalarIndexParams(new BTreeIndexParams.Builder().build()).build(), false);
        }
    }

    private static void buildText(Dataset dataset, boolean replace) {
        dataset.createIndex(List.of(TableSchema.TEXT), IndexType.INVERTED, Optional.of(TEXT),
                IndexParams.builder().setScalarIndexParams(new InvertedIndexParams.Builder()
                        .baseTokenizer("simple").language("English").withPosition(false).maxTokenLength(40)
                        .lowerCase(true).stem(true).removeStopWords(true).asciiFolding(true).build()).build(),
                replace);
    }

    /** Builds the vector index when the table has none and holds at least {@code policy.vectorMinRows()} rows. */
    static boolean createVectorIfDue(Dataset dataset, IndexPolicy policy) {
        if (dataset.listIndexes().contains(VECTOR) || !vectorIndexable(dataset)) {
            return false;
        }
        long rows = dataset.countRows();
        if (rows < policy.vectorMinRows()) {
            return false;
        }
        int partitions = policy.partitions(rows);
        VectorIndexParams params = VectorIndexParams.withIvfHnswSqParams(DistanceType.Cosine,
                new IvfBuildParams.Builder().setNumPartitions(partitions).build(),
                new HnswBuildParams.Builder().setM(policy.hnswM()).setEfConstruction(policy.efConstruction()).build(),
                new SQBuildParams.Builder().build());
        dataset.createIndex(List.of(TableSchema.VECTOR), IndexType.IVF_HNSW_SQ, Optional.of(VECTOR),
                IndexParams.builder().setVectorIndexParams(params).build(), false);
        return true;
    }

    /**
     * Lance 7.0.0 aborts the process in every merge-insert into a table that has a vector index
     * when the vector's item field is declared non-null (tables made by the bridge before the
     * schema declared it nullable, as LanceDB's SDKs do): such a table keeps brute force.
     */
    static boolean vectorIndexable(Dataset dataset) {
        return dataset.getSchema().getFields().stream()
                .filter(field -> field.getName().equals(TableSchema.VECTOR))
                .allMatch(field -> field.getChildren().stream().allMatch(Field::isNullable));
    }

    /**
     * Folds unindexed rows into each index that has some, one index at a time; the names of those
     * brought up to date. The full-text index is rebuilt instead: Lance 7.0.0's merge of inverted
     * index segments can panic (index out of bounds in {@code InnerBuilder::merge_from}) after
     * updates, deletes and compaction, and a panic in JNI aborts the JVM. A rebuild reads the whole
     * column, so it waits until the unindexed rows (searched without the index meanwhile) are
     * {@link #TEXT_REBUILD_ROWS} or a tenth of the table.
     */
    static List<String> optimize(Dataset dataset) {
        List<String> optimized = new ArrayList<>();
        for (IndexInfo index : describe(dataset)) {
            if (index.name().equals(TEXT)) {
                if (index.unindexedRows() >= Math.max(TEXT_REBUILD_ROWS, index.indexedRows() / 10)) {
                    buildText(dataset, true);
                    optimized.add(index.name());
                }
            } else if (index.unindexedRows() > 0) {
                dataset.optimizeIndices(OptimizeOptions.builder().indexNames(List.of(index.name())).build());
                optimized.add(index.name());
            }
        }
        return optimized;
    }

    /**
     * Every index of the version {@code dataset} is at, with the rows it does not cover yet: those
     * of fragments none of its segments covers (Lance's own definition, without reading the
     * index statistics, which carry every centroid).
     */
    static List<IndexInfo> describe(Dataset dataset) {
        List<String> fields = new ArrayList<>();
        dataset.getSchema().getFields().forEach(field -> fieldIds(field, "", fields));
        Map<Integer, Long> rowsPerFragment = new java.util.HashMap<>();
        dataset.getFragments().forEach(fragment -> rowsPerFragment.put(fragment.getId(), (long) fragment.countRows()));
        long rows = rowsPerFragment.values().stream().mapToLong(Long::longValue).sum();
        List<IndexInfo> indexes = new ArrayList<>();
        for (IndexDescription index : dataset.describeIndices()) {
            java.util.Set<Integer> covered = new java.util.HashSet<>();
            index.getSegments().forEach(segment -> segment.fragments().ifPresent(covered::addAll));
            long indexed = covered.stream().mapToLong(id -> rowsPerFragment.getOrDefault(id, 0L)).sum();
            List<String> columns = index.getFieldIds().stream()
                    .map(id -> id >= 0 && id < fields.size() ? fields.get(id) : "#" + id)
                    .toList();
            indexes.add(new IndexInfo(index.getName(), index.getIndexType(), columns, indexed, rows - indexed));
        }
        return indexes;
    }

    /** Lance numbers fields depth first, children after their parent (a table made from this schema). */
    private static void fieldIds(Field field, String parent, List<String> names) {
        String name = parent + field.getName();
        names.add(name);
        field.getChildren().forEach(child -> fieldIds(child, name + ".", names));
    }

}
