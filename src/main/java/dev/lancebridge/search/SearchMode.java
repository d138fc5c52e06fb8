package dev.lancebridge.search;

import java.util.Arrays;
import java.util.Locale;

/** How a search ranks rows; the answer says which one ran. */
public enum SearchMode {
    /** Cosine k-NN on the embedding of the query (or the given vector). */
    VECTOR,
    /** BM25 on the text column (inverted index). */
    FULLTEXT,
    /** Both, fused by reciprocal rank fusion. */
    HYBRID;

    static SearchMode parse(String mode) {
        if (mode == null || mode.isBlank()) {
            return VECTOR;
        }
        try {
            return valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSearchException("unknown mode '" + mode + "'; use one of "
                    + Arrays.stream(values()).map(SearchMode::wire).toList());
        }
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
