package dev.lancebridge.bench;

import java.util.ArrayList;
import java.util.List;

/** Percentiles (nearest rank) and mean of a sample. */
record Stats(List<Double> sorted) {

    static Stats of(List<Double> sample) {
        List<Double> sorted = new ArrayList<>(sample);
        sorted.sort(Double::compare);
        return new Stats(sorted);
    }

    double p(double percentile) {
        int rank = (int) Math.ceil(percentile / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    double mean() {
        return sorted.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    double max() {
        return sorted.get(sorted.size() - 1);
    }
}
