package dev.lancebridge.support;

/** Reading a Prometheus scrape, in either text format (labels may end with a comma: {@code {table="events",}}). */
public final class Scrape {

    private Scrape() {
    }

    /** The value of {@code series}, e.g. {@code bridge_events_committed_total{table="events"}}; 0 when absent. */
    public static double value(String scrape, String series) {
        String trailingComma = series.endsWith("}") ? series.substring(0, series.length() - 1) + ",}" : series;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ") || line.startsWith(trailingComma + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return 0;
    }
}
