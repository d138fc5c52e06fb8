package dev.lancebridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps {@code bench/REPORT.md} current: each step's table sits between the markers
 * {@code <!-- bench:<step> -->} and {@code <!-- /bench:<step> -->} (a full run: {@code full}),
 * and a run replaces what is between them. The prose around the markers is written by hand; a
 * region without markers yet is appended at the end.
 */
final class Report {

    private Report() {
    }

    static void update(Path report, String region, String markdown) throws java.io.IOException {
        String begin = "<!-- bench:" + region + " -->\n";
        String end = "<!-- /bench:" + region + " -->";
        String text = Files.exists(report) ? Files.readString(report) : "# Benchmark report\n";
        int from = text.indexOf(begin);
        int to = from < 0 ? -1 : text.indexOf(end, from);
        String updated = from >= 0 && to >= 0
                ? text.substring(0, from + begin.length()) + markdown.strip() + "\n" + text.substring(to)
                : text.stripTrailing() + "\n\n## Latest `bench/run --only " + region + "`\n\n" + begin + markdown.strip() + "\n" + end + "\n";
        Files.writeString(report, updated);
    }
}
