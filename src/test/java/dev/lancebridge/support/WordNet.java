package dev.lancebridge.support;

import dev.lancebridge.embed.InProcessEmbedder;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * WordNet noun glosses ({@code wordnet-base}): real, short English texts, "lemma: gloss", and their
 * real MiniLM vectors, computed once and cached under {@code target/wordnet-vectors/}.
 */
public final class WordNet {

    static final Path DATA_NOUN = Path.of("/usr/share/wordnet/data.noun");
    /** Noun synsets in WordNet 3.0. */
    public static final int AVAILABLE = 82_115;

    private WordNet() {
    }

    /** The first {@code count} glosses. */
    public static List<String> glosses(int count) throws IOException {
        if (!Files.exists(DATA_NOUN)) {
            throw new IllegalStateException(DATA_NOUN + " is missing: apt-get install -y wordnet-base");
        }
        List<String> glosses = new ArrayList<>(count);
        for (String line : Files.readAllLines(DATA_NOUN, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("  ") || !line.contains(" | ")) {
                continue; // the licence header
            }
            String[] fields = line.split(" ", 6);
            glosses.add(fields[4].replace('_', ' ') + ": " + line.substring(line.indexOf(" | ") + 3).trim());
            if (glosses.size() == count) {
                break;
            }
        }
        return glosses;
    }

    /** The vectors of the first {@code count} glosses, embedded in batches of 500 unless cached. */
    public static List<float[]> vectors(int count, InProcessEmbedder embedder) throws IOException {
        Path cache = Path.of("target", "wordnet-vectors", InProcessEmbedder.MODEL + "-" + count + ".f32");
        if (Files.exists(cache)) {
            return read(cache);
        }
        List<String> texts = glosses(count);
        List<float[]> vectors = new ArrayList<>(count);
        for (int from = 0; from < count; from += 500) {
            vectors.addAll(embedder.embed(texts.subList(from, Math.min(count, from + 500))));
        }
        write(cache, vectors);
        return vectors;
    }

    private static List<float[]> read(Path cache) throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(cache)))) {
            int count = in.readInt();
            int dimension = in.readInt();
            List<float[]> vectors = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] vector = new float[dimension];
                for (int j = 0; j < dimension; j++) {
                    vector[j] = in.readFloat();
                }
                vectors.add(vector);
            }
            return vectors;
        }
    }

    private static void write(Path cache, List<float[]> vectors) throws IOException {
        Files.createDirectories(cache.getParent());
        Path partial = cache.resolveSibling(cache.getFileName() + ".partial");
        try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(partial)))) {
            out.writeInt(vectors.size());
            out.writeInt(vectors.get(0).length);
            for (float[] vector : vectors) {
                for (float v : vector) {
                    out.writeFloat(v);
                }
            }
        }
        Files.move(partial, cache, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
