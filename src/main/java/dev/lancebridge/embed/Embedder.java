package dev.lancebridge.embed;

import java.util.List;
import java.util.Optional;

/** Turns texts into vectors of a fixed dimension; one call per batch. */
public interface Embedder {

    /** The model name stored with every vector it makes. */
    String model();

    int dimension();

    /**
     * One vector per text, in order. Throws {@link EmbedderUnavailableException} when the model
     * cannot be reached (the batch waits and is tried again), {@link EmbeddingException} when it
     * failed on these texts.
     */
    List<float[]> embed(List<String> texts);

    /** False for vectors that come with the events: such a table takes no text queries. */
    default boolean embedsText() {
        return true;
    }

    /** The LanceDB embedding function that computes the same vectors, for LanceDB's SDKs; empty if none does. */
    Optional<LanceDbFunction> lancedbFunction();
}
