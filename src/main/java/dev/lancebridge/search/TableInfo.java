package dev.lancebridge.search;

import java.util.List;

/** What a table is and holds. */
public record TableInfo(String name, long rows, long version, String stream, List<String> subjects,
                        Embedding embedding, String path) {

    public record Embedding(String model, int dimension) {
    }
}
