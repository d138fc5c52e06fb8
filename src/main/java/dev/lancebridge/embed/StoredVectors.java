package dev.lancebridge.embed;

import java.util.Collection;
import java.util.Map;

/**
 * What a table already holds for some ids: the vectors, so that an unchanged text is not embedded
 * again, and on request the stored values, for a row whose source left some out (see
 * {@link dev.lancebridge.normalize.Unavailable}).
 */
@FunctionalInterface
public interface StoredVectors {

    /** What the table holds for those of {@code ids} it has; with the text and declared column values when {@code withValues}. */
    Map<String, Stored> lookup(Collection<String> ids, boolean withValues);

    /**
     * A stored row's vector, the model that made it and the hash of the text it was made from
     * (each null for a row written before rows kept them); {@code text} and {@code values} (its
     * declared columns, as the normalizer types them) only when asked for.
     */
    record Stored(String textHash, String model, float[] vector, String text, Object[] values) {
    }

    StoredVectors NONE = (ids, withValues) -> Map.of();
}
