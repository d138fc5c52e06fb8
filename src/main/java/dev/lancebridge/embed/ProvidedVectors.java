package dev.lancebridge.embed;

import java.util.List;
import java.util.Optional;

/**
 * Vectors that come with the events ({@code "vector": [...]}, of the declared dimension): the
 * bridge never computes one, and an event without it is dead-lettered.
 */
final class ProvidedVectors implements Embedder {

    private final String name;
    private final String model;
    private final int dimension;

    ProvidedVectors(String name, String model, int dimension) {
        this.name = name;
        this.model = model;
        this.dimension = dimension;
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public boolean embedsText() {
        return false;
    }

    @Override
    public Optional<LanceDbFunction> lancedbFunction() {
        return Optional.empty();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        throw new IllegalStateException("embedder '" + name + "' takes vectors from the events; it embeds no text");
    }
}
