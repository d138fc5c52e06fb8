package dev.lancebridge.store;

/**
 * What a stored table's vectors are: the model that made them (null for a table that never said)
 * and their length.
 */
public record StoredEmbedding(String model, int dimension) {

    /** Whether vectors of {@code otherModel} and {@code otherDimension} may join these. */
    public boolean matches(String otherModel, int otherDimension) {
        return dimension == otherDimension && (model == null || model.equals(otherModel));
    }
}
