package dev.lancebridge.embed;

import dev.lancebridge.normalize.Normalized;
import dev.lancebridge.normalize.Row;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Gives every row of a batch its vector with one embedder call: rows that carried a vector keep
 * it, rows whose text the table already holds embedded by the same model keep the stored vector,
 * the others are embedded together. Deletions and rejections pass through.
 */
public final class EmbedStage {

    private final Embedder embedder;
    private final StoredVectors stored;

    public EmbedStage(Embedder embedder, StoredVectors stored) {
        this.embedder = embedder;
        this.stored = stored;
    }

    public EmbedStage(Embedder embedder) {
        this(embedder, StoredVectors.NONE);
    }

    /** The batch with vectors, and how many rows kept a stored vector. */
    public record Embedded(List<Normalized> changes, int reused, int computed) {
    }

    public Embedded embed(List<Normalized> changes) {
        List<String> ids = new ArrayList<>();
        boolean incomplete = false;
        for (Normalized change : changes) {
            if (change instanceof Row row && (row.needsEmbedding() || row.unavailable() != null)) {
                ids.add(row.id());
                if (row.unavailable() != null) {
                    incomplete = true;
                    if (row.unavailable().previousId() != null) {
                        ids.add(row.unavailable().previousId());
                    }
                }
            }
        }
        if (ids.isEmpty()) {
            return new Embedded(changes, 0, 0);
        }
        Map<String, StoredVectors.Stored> held = stored.lookup(ids, incomplete);
        List<Normalized> result = new ArrayList<>(changes);
        List<String> texts = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        int reused = 0;
        for (int i = 0; i < result.size(); i++) {
            if (!(result.get(i) instanceof Row row) || !row.needsEmbedding() && row.unavailable() == null) {
                continue;
            }
            StoredVectors.Stored same = held.get(row.id());
            if (row.unavailable() != null) {
                // the values the source left out are the stored row's (under its old key, if the key just changed):
                // filled in before the text is compared
                if (same == null && row.unavailable().previousId() != null) {
                    same = held.get(row.unavailable().previousId());
                }
                row = row.restored(same == null ? null : same.text(), same == null ? null : same.values());
                result.set(i, row);
            }
            if (!row.needsEmbedding()) {
                continue;
            }
            if (same != null && row.textHash().equals(same.textHash()) && embedder.model().equals(same.model())
                    && same.vector() != null) {
                result.set(i, row.withVector(same.vector(), same.model()));
                reused++;
            } else {
                texts.add(row.text());
                positions.add(i);
            }
        }
        if (!texts.isEmpty()) {
            List<float[]> vectors = embedder.embed(texts);
            for (int j = 0; j < positions.size(); j++) {
                Row row = (Row) result.get(positions.get(j));
                result.set(positions.get(j), row.withVector(vectors.get(j), embedder.model()));
            }
        }
        return new Embedded(result, reused, texts.size());
    }
}
