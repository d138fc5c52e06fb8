package dev.lancebridge.config;

import com.fasterxml.jackson.core.JsonPointer;

/**
 * A typed column of a table, read from the payload at {@code pointer}.
 *
 * @param nullable whether an event may lack the field (the row holds null); when false, such an event is dead-lettered
 */
public record ColumnDeclaration(String name, ColumnType type, JsonPointer pointer, boolean nullable) {
}
