package dev.lancebridge.bench;

import dev.lancebridge.embed.InProcessEmbedder;
import dev.lancebridge.support.WordNet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The benchmark's data: WordNet glosses and their real MiniLM vectors ({@link WordNet}). Tables
 * larger than the embedded set reuse those vectors with a small deterministic jitter, which is
 * enough for latency (brute force does not care) and keeps a run within minutes.
 */
final class Corpus {

    final List<String> texts;
    final List<float[]> vectors;
    /** Raw embedder throughput measured while building the corpus (texts/s). */
    final double rawEmbedRate;

    Corpus(List<String> texts, List<float[]> vectors, double rawEmbedRate) {
        this.texts = texts;
        this.vectors = vectors;
        this.rawEmbedRate = rawEmbedRate;
    }

    /** {@code embedded} real vectors; the first {@code timed} of them are embedded under the clock. */
    static Corpus load(int embedded, int timed) throws IOException {
        List<String> texts = WordNet.glosses(WordNet.AVAILABLE);
        InProcessEmbedder embedder = new InProcessEmbedder(Runtime.getRuntime().availableProcessors());
        try {
            Timed timedRun = time(embedder::embed, texts.subList(texts.size() - 500, texts.size()), texts.subList(0, timed));
            return new Corpus(texts, WordNet.vectors(embedded, embedder), timedRun.textsPerSecond());
        } finally {
            embedder.close();
        }
    }

    /** Vectors of a timed embedding run, and its rate. */
    record Timed(List<float[]> vectors, double textsPerSecond) {
    }

    /**
     * Embeds {@code warmup} untimed (model load, JIT: the bridge's first batch is not timed
     * either), then {@code texts} in batches of 500, as the bridge does, under the clock.
     */
    static Timed time(Function<List<String>, List<float[]>> embed, List<String> warmup, List<String> texts) {
        if (!warmup.isEmpty()) {
            embed.apply(warmup);
        }
        List<float[]> vectors = new ArrayList<>(texts.size());
        long start = System.nanoTime();
        for (int from = 0; from < texts.size(); from += 500) {
            vectors.addAll(embed.apply(texts.subList(from, Math.min(texts.size(), from + 500))));
        }
        return new Timed(vectors, texts.size() / ((System.nanoTime() - start) / 1e9));
    }

    String text(int i) {
        return texts.get(i % texts.size());
    }

    /** A real vector for {@code i} below the embedded count, a jittered one (unit length) above it. */
    float[] vector(int i) {
        float[] base = vectors.get(i % vectors.size());
        if (i < vectors.size()) {
            return base;
        }
        Random random = new Random(i);
        float[] jittered = new float[base.length];
        double norm = 0;
        for (int j = 0; j < base.length; j++) {
            jittered[j] = base[j] + (float) (random.nextGaussian() * 0.02);
            norm += jittered[j] * jittered[j];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int j = 0; j < base.length; j++) {
            jittered[j] *= scale;
        }
        return jittered;
    }
}
