package dev.lancebridge.embed;

/**
 * An embedding function as LanceDB's registries name it, e.g. {@code sentence-transformers} with
 * model {@code all-MiniLM-L6-v2}: written into each table's schema metadata.
 */
public record LanceDbFunction(String name, String model) {

    public static final String SENTENCE_TRANSFORMERS = "sentence-transformers";
    public static final String OPENAI = "openai";
}
