package dev.lancebridge.embed;

import java.util.Collection;
import java.util.Map;

/** The vectors a table already holds for some ids, so that an unchanged text is not embedded again. */
@FunctionalInterface
public interface StoredVectors {

    /** What the table holds for those of {@code ids} it has. */
    Map<String, Stored> lookup(Collection<String> ids);

    /** A stored row's vector, the model that made it and the hash of the text it was made from. */
    record Stored(String textHash, String model, float[] vector) {
    }

    StoredVectors NONE = ids -> Map.of();
}
