package dev.lancebridge.support;

import dev.lancebridge.config.BridgeConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Table, column and embedder declarations as configuration would give them, for tests that build a bridge by hand. */
public final class Declared {

    /** A normalizer for table events as it is by default (no declared columns, vectors computed). */
    public static dev.lancebridge.normalize.Normalizer plainNormalizer(int dimension) {
        return new dev.lancebridge.normalize.Normalizer(dev.lancebridge.config.TableDeclaration.of("events", Table.of("EVENTS", "events.>"),
                dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS), dimension, null);
    }

    private Declared() {
    }

    public record Table(String stream, List<String> subjects, String format, String id, String text, Optional<String> eventTime,
                        String embedder, Map<String, BridgeConfig.Column> columns) implements BridgeConfig.Table {

        /** A table with the defaults: json, id at {@code /id}, text {@code {text}}, embedder minilm, no columns. */
        public static Table of(String stream, String... subjects) {
            return new Table(stream, List.of(subjects), "json", "/id", "{text}", Optional.empty(), "minilm", Map.of());
        }

        public Table withFormat(String declared) {
            return new Table(stream, subjects, declared, id, text, eventTime, embedder, columns);
        }

        @Override
        public Duration tombstoneRetention() {
            return Duration.ofHours(24);
        }

        public Table withText(String template) {
            return new Table(stream, subjects, format, id, template, eventTime, embedder, columns);
        }

        public Table withId(String pointer) {
            return new Table(stream, subjects, format, pointer, text, eventTime, embedder, columns);
        }

        public Table withEventTime(String pointer) {
            return new Table(stream, subjects, format, id, text, Optional.of(pointer), embedder, columns);
        }

        public Table withColumns(Map<String, BridgeConfig.Column> declared) {
            return new Table(stream, subjects, format, id, text, eventTime, embedder, declared);
        }
    }

    public record Column(String type, Optional<String> pointer, boolean nullable) implements BridgeConfig.Column {

        public static Column of(String type) {
            return new Column(type, Optional.empty(), true);
        }

        public Column at(String at) {
            return new Column(type, Optional.of(at), nullable);
        }

        public Column required() {
            return new Column(type, pointer, false);
        }
    }

    public record Embedder(BridgeConfig.Provider provider, Optional<String> model, Optional<Integer> dimension,
                           Optional<String> baseUrl, Optional<String> apiKey, Duration timeout, int maxBatch, int maxInFlight)
            implements BridgeConfig.EmbedderSettings {

        public static Embedder of(BridgeConfig.Provider provider) {
            return new Embedder(provider, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Duration.ofSeconds(30), 100, 4);
        }

        public Embedder withModel(String name) {
            return new Embedder(provider, Optional.of(name), dimension, baseUrl, apiKey, timeout, maxBatch, maxInFlight);
        }

        public Embedder withDimension(int length) {
            return new Embedder(provider, model, Optional.of(length), baseUrl, apiKey, timeout, maxBatch, maxInFlight);
        }

        public Embedder withBaseUrl(String url) {
            return new Embedder(provider, model, dimension, Optional.of(url), apiKey, timeout, maxBatch, maxInFlight);
        }
    }
}
