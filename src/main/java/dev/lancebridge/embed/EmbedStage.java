package dev.lancebridge.embed;

import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;

import java.util.ArrayList;
import java.util.List;

/**
 * Gives every row of a batch its vector with one embedder call: rows that carried a vector keep
 * it, the others are embedded together. Deletions and rejections pass through.
 */
public final class EmbedStage {

    private final Embedder embedder;

    public EmbedStage(Embedder embedder) {
        this.embedder = embedder;
    }

    public List<Normalized> embed(List<Normalized> changes) {
        List<String> texts = new ArrayList<>();
        for (Normalized change : changes) {
            if (change instanceof Row row && row.needsEmbedding()) {
                texts.add(row.text());
            }
        }
        if (texts.isEmpty()) {
            return changes;
        }
        List<float[]> vectors = embedder.embed(texts);
        List<Normalized> embedded = new ArrayList<>(changes.size());
        int next = 0;
        for (Normalized change : changes) {
            if (change instanceof Row row && row.needsEmbedding()) {
                embedded.add(row.withVector(vectors.get(next++), embedder.model()));
            } else {
                embedded.add(change);
            }
        }
        return embedded;
    }
}
