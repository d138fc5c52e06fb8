package dev.lancebridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** WordNet noun glosses ({@code wordnet-base}): real, short English texts, "lemma: gloss". */
final class Glosses {

    static final Path DATA_NOUN = Path.of("/usr/share/wordnet/data.noun");
    /** Noun synsets in WordNet 3.0. */
    static final int AVAILABLE = 82_115;

    private Glosses() {
    }

    static List<String> load(int count) throws IOException {
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
}
