package dev.lancebridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every figure of a run: JSON for tools, a Markdown table for people, samples for the chart. */
final class Results {

    static final ObjectMapper JSON = new ObjectMapper();

    final ObjectNode json = JSON.createObjectNode();
    private final ObjectNode figures = json.putObject("figures");
    private final List<String[]> rows = new ArrayList<>();
    /** Chart series: panel title -> series name -> sample (ms). */
    final Map<String, Map<String, List<Double>>> series = new LinkedHashMap<>();

    /** A bridge figure next to the raw building block or peer measured in the same run. */
    void pair(String key, String figure, double bridge, String unit, String reference, double raw, String rawUnit,
              String limit) {
        ObjectNode node = figures.putObject(key);
        node.put("bridge", round(bridge));
        node.put("unit", unit);
        node.put("reference", reference);
        node.put("reference_value", round(raw));
        node.put("reference_unit", rawUnit);
        node.put("ratio", Math.round(bridge / raw * 100) / 100.0);
        node.put("limit", limit);
        rows.add(new String[] {figure, fmt(bridge) + " " + unit, reference + ": " + fmt(raw) + " " + rawUnit,
                String.format("%.2f×", bridge / raw), limit});
    }

    /** A latency distribution (ms), with an optional same-run reference distribution. */
    void latency(String key, String figure, Stats bridge, String reference, Stats raw, String limit) {
        ObjectNode node = figures.putObject(key);
        node.put("p50_ms", round(bridge.p(50)));
        node.put("p99_ms", round(bridge.p(99)));
        node.put("max_ms", round(bridge.max()));
        node.put("samples", bridge.sorted().size());
        String ratio = "";
        String ref = "";
        if (raw != null) {
            node.put("reference", reference);
            node.put("reference_p50_ms", round(raw.p(50)));
            node.put("reference_p99_ms", round(raw.p(99)));
            node.put("ratio_p50", Math.round(bridge.p(50) / raw.p(50) * 100) / 100.0);
            ratio = String.format("%.2f× (p50)", bridge.p(50) / raw.p(50));
            ref = reference + ": p50 " + ms(raw.p(50)) + ", p99 " + ms(raw.p(99));
        }
        node.put("limit", limit);
        rows.add(new String[] {figure, "p50 " + ms(bridge.p(50)) + ", p99 " + ms(bridge.p(99)) + ", max " + ms(bridge.max()),
                ref, ratio, limit});
    }

    /** A figure with no same-run reference (memory, drain time). */
    void single(String key, String figure, String value, String limit) {
        figures.putObject(key).put("value", value).put("limit", limit);
        rows.add(new String[] {figure, value, "", "", limit});
    }

    void sample(String panel, String name, List<Double> millis) {
        series.computeIfAbsent(panel, p -> new LinkedHashMap<>()).put(name, millis);
    }

    /** Writes {@code <stem>.json}, {@code <stem>.md} and {@code <stem>.png} into {@code dir}. */
    void write(Path dir, String stem) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(stem + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        StringBuilder md = new StringBuilder("| figure | bridge | same-run reference | ratio | what limits it |\n|---|---|---|---|---|\n");
        rows.forEach(row -> md.append("| ").append(String.join(" | ", row)).append(" |\n"));
        ObjectNode machine = (ObjectNode) json.get("machine");
        md.append("\nRevision `").append(json.path("revision").asText()).append("`, ").append(json.path("mode").asText())
                .append(" run of ").append(json.path("time").asText()).append(" on ").append(machine.path("cpu").asText())
                .append(" (").append(machine.path("cores").asInt()).append(" cores, ").append(machine.path("memory_gib").asText())
                .append(" GiB), ").append(machine.path("java").asText()).append(", nats-server ")
                .append(machine.path("nats_server").asText()).append("; environment `")
                .append(machine.path("environment").asText()).append("`.\n");
        Files.writeString(dir.resolve(stem + ".md"), md.toString());
        Report.update(dir.resolveSibling("REPORT.md"), stem.equals("latest") ? "full" : stem.substring("latest-".length()), md.toString());
        if (!series.isEmpty()) {
            Charts.write(dir.resolve(stem + ".png"), series);
        }
        System.out.println(md);
    }

    static String fmt(double value) {
        return value >= 100 ? String.format("%,.0f", value) : String.format("%.1f", value);
    }

    static String ms(double value) {
        return (value >= 10 ? String.format("%.0f", value) : String.format("%.1f", value)) + " ms";
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
