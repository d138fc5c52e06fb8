package dev.lancebridge.config;

import com.fasterxml.jackson.core.JsonPointer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A table as declared under {@code bridge.tables.<name>.*}, checked: what feeds it, how a payload
 * becomes its row, and which embedder makes its vectors. {@link #of} fails with a message that
 * names the offending key, so a bad declaration stops the bridge at start-up.
 */
public record TableDeclaration(String name, String stream, List<String> subjects, TableFormat format, List<JsonPointer> id,
                               TextTemplate text, Optional<JsonPointer> eventTime, String embedder, List<ColumnDeclaration> columns,
                               java.time.Duration tombstoneRetention) {

    /** Column names that work in a SQL filter without quoting. */
    private static final Pattern COLUMN_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    /** @param builtIn the columns every table has (the store's), which a declared column may not be named */
    public static TableDeclaration of(String name, BridgeConfig.Table table, java.util.Collection<String> builtIn) {
        String key = "bridge.tables." + name + ".";
        if (!COLUMN_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bridge.tables." + name + ": a table name is lower-case letters, digits"
                    + " and '_', starting with a letter or '_'");
        }
        if (table.subjects().isEmpty()) {
            throw new IllegalArgumentException(key + "subjects: name at least one subject of stream " + table.stream());
        }
        TableFormat format = parse(key + "format", table.format(), TableFormat::parse);
        List<JsonPointer> id = parse(key + "id", table.id(), TableDeclaration::pointers);
        TextTemplate text = parse(key + "text", table.text(), TextTemplate::parse);
        Optional<JsonPointer> eventTime = table.eventTime().map(at -> parse(key + "event-time", at, TableDeclaration::pointer));
        List<ColumnDeclaration> columns = new ArrayList<>();
        table.columns().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            String column = entry.getKey();
            String columnKey = key + "columns." + column;
            if (!COLUMN_NAME.matcher(column).matches()) {
                throw new IllegalArgumentException(columnKey + ": a column name is lower-case letters, digits and '_',"
                        + " starting with a letter or '_' (so that filters need no quotes)");
            }
            if (builtIn.contains(column)) {
                throw new IllegalArgumentException(columnKey + ": '" + column + "' is a column every table has already "
                        + builtIn + "; choose another name");
            }
            BridgeConfig.Column declared = entry.getValue();
            ColumnType type = parse(columnKey + ".type", declared.type(), ColumnType::parse);
            JsonPointer pointer = parse(columnKey + ".pointer", declared.pointer().orElse("/" + column), TableDeclaration::pointer);
            columns.add(new ColumnDeclaration(column, type, pointer, declared.nullable()));
        });
        if (table.tombstoneRetention().isNegative() || table.tombstoneRetention().isZero()) {
            throw new IllegalArgumentException(key + "tombstone-retention=" + table.tombstoneRetention() + ": must be positive");
        }
        return new TableDeclaration(name, table.stream(), List.copyOf(table.subjects()), format, id, text, eventTime,
                table.embedder(), List.copyOf(columns), table.tombstoneRetention());
    }

    /** A JSON pointer, its leading slash optional: {@code title} is {@code /title}. */
    public static JsonPointer pointer(String path) {
        String trimmed = path.trim();
        if (trimmed.isEmpty() || trimmed.equals("/")) {
            throw new IllegalArgumentException("a field path must name a field, e.g. /title");
        }
        return JsonPointer.compile(trimmed.startsWith("/") ? trimmed : "/" + trimmed);
    }

    /** Comma-separated pointers, each as {@link #pointer}: a composite key's fields. */
    public static List<JsonPointer> pointers(String paths) {
        List<JsonPointer> pointers = new ArrayList<>();
        for (String path : paths.split(",", -1)) {
            pointers.add(pointer(path));
        }
        if (new LinkedHashSet<>(pointers).size() != pointers.size()) {
            throw new IllegalArgumentException("a key field is named twice");
        }
        return List.copyOf(pointers);
    }

    /** The payload's (or row image's) top-level fields this table reads: the only ones normalizing parses. */
    public Set<String> topLevelFields() {
        Set<String> fields = new LinkedHashSet<>();
        id.forEach(key -> fields.add(key.getMatchingProperty()));
        text.fields().forEach(part -> fields.add(part.field().getMatchingProperty()));
        eventTime.ifPresent(at -> fields.add(at.getMatchingProperty()));
        columns.forEach(column -> fields.add(column.pointer().getMatchingProperty()));
        return fields;
    }

    public Optional<ColumnDeclaration> column(String name) {
        return columns.stream().filter(column -> column.name().equals(name)).findFirst();
    }

    private interface Parser<T> {
        T parse(String value);
    }

    private static <T> T parse(String key, String value, Parser<T> parser) {
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + "=" + value + ": " + e.getMessage(), e);
        }
    }
}
