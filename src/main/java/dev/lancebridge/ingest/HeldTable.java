package dev.lancebridge.ingest;

import dev.lancebridge.store.StoredEmbedding;

/**
 * A table whose stored vectors are of another model or dimension than its declared embedder
 * makes. Its pipeline does not start, so the two are never mixed: its events wait in the stream,
 * search goes on over what it holds, and a re-embed moves it to the declared model.
 */
public record HeldTable(String table, StoredEmbedding stored, String declaredModel, int declaredDimension) {

    public String reason() {
        return "holds vectors of " + (stored.model() == null ? "an unnamed model" : stored.model()) + " (" + stored.dimension()
                + " dimensions) but declares " + declaredModel + " (" + declaredDimension + "); ingest is held, events wait"
                + " in the stream, search serves the stored vectors. POST /tables/" + table + "/reembed rebuilds the vectors"
                + " with the declared model, then ingest resumes";
    }
}
