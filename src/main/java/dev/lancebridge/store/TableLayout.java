package dev.lancebridge.store;

import dev.lancebridge.config.ColumnDeclaration;
import dev.lancebridge.embed.LanceDbFunction;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.List;

/**
 * What a table's schema is made from: its declared columns and the embedder of its vectors.
 *
 * @param model    the model name stored with every vector, e.g. {@code all-MiniLM-L6-v2}
 * @param function the LanceDB embedding function that computes such vectors, or null when the
 *                 vectors come with the events and no function can
 * @param ordering what orders a row's versions (a table ordered by source stores {@code source_position})
 */
public record TableLayout(List<ColumnDeclaration> columns, int dimension, String model, LanceDbFunction function,
                          Ordering ordering) {

    /** A table ordered by stream sequence. */
    public TableLayout(List<ColumnDeclaration> columns, int dimension, String model, LanceDbFunction function) {
        this(columns, dimension, model, function, Ordering.STREAM);
    }

    /** A table without declared columns whose vectors a sentence-transformers {@code model} makes. */
    public static TableLayout plain(int dimension, String model) {
        return new TableLayout(List.of(), dimension, model, new LanceDbFunction(LanceDbFunction.SENTENCE_TRANSFORMERS, model));
    }

    /** This layout with the model and dimension of the vectors {@code stored} holds: what a search replica reads. */
    TableLayout asStored(Schema stored) {
        return new TableLayout(columns, SchemaEvolution.storedDimension(stored), SchemaEvolution.storedModel(stored).orElse(model),
                function, ordering);
    }

    public Schema schema() {
        return TableSchema.of(this);
    }
}
