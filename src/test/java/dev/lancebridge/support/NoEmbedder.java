package dev.lancebridge.support;

import dev.lancebridge.embed.Embedder;
import dev.lancebridge.embed.LanceDbFunction;

import java.util.List;
import java.util.Optional;

/** For events that carry their vectors: the model must not be called. Its model is {@value #MODEL}. */
public record NoEmbedder(int dimension) implements Embedder {

    public static final String MODEL = "test-model";

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        throw new AssertionError("the embedder was called for events that carry vectors");
    }

    @Override
    public Optional<LanceDbFunction> lancedbFunction() {
        return Optional.empty();
    }
}
