package dev.lancebridge.embed;

import java.util.List;

/** Turns texts into vectors of a fixed dimension; one call per batch. */
public interface Embedder {

    /** The model name stored with every vector it makes. */
    String model();

    int dimension();

    /** One vector per text, in order. Throws {@link EmbeddingException} when the model is unavailable. */
    List<float[]> embed(List<String> texts);
}
