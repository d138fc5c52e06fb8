package dev.lancebridge.config;

import static dev.lancebridge.store.TableSchema.BUILT_IN_COLUMNS;

import dev.lancebridge.support.Declared;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableDeclarationTest {

    private static final Declared.Table ORDERS = Declared.Table.of("SHOP", "shop.orders.>");

    @Test
    void columnsAreTypedSortedAndReadFromTheirOwnNameByDefault() {
        TableDeclaration table = TableDeclaration.of("orders", ORDERS.withColumns(Map.of(
                "total", Declared.Column.of("double"),
                "tags", Declared.Column.of("List<String>"),
                "customer", Declared.Column.of("string").at("customer/name").required())), BUILT_IN_COLUMNS);
        assertEquals(List.of("customer", "tags", "total"), table.columns().stream().map(ColumnDeclaration::name).toList());
        ColumnDeclaration customer = table.columns().get(0);
        assertEquals(ColumnType.STRING, customer.type());
        assertEquals("/customer/name", customer.pointer().toString());
        assertEquals(false, customer.nullable());
        assertEquals(ColumnType.STRING_LIST, table.columns().get(1).type());
        assertEquals("/total", table.columns().get(2).pointer().toString());
    }

    @Test
    void onlyTheFieldsTheTableReadsAreParsed() {
        TableDeclaration table = TableDeclaration.of("orders", ORDERS.withText("{title}: {body/text}").withId("/order/id")
                .withEventTime("placed_at").withColumns(Map.of("total", Declared.Column.of("double").at("/amounts/total"))), BUILT_IN_COLUMNS);
        assertEquals(java.util.Set.of("order", "title", "body", "placed_at", "amounts"), table.topLevelFields());
    }

    @Test
    void templatesMixTextAndFieldsAndEscapeBraces() {
        TextTemplate template = TextTemplate.parse("{{{title}}}: {/body}");
        assertEquals(java.util.Arrays.asList("{", null, "}: ", null), template.parts().stream().map(TextTemplate.Part::literal).toList());
        assertEquals(List.of("title", "body"), template.fields().stream().map(TextTemplate.Part::label).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "price type float       | bridge.tables.orders.columns.price.type=float: unknown type 'float'; one of string, int",
            "column Price           | bridge.tables.orders.columns.Price: a column name is lower-case",
            "column vector          | bridge.tables.orders.columns.vector: 'vector' is a column every table has already",
            "column text_hash       | bridge.tables.orders.columns.text_hash: 'text_hash' is a column every table has already",
            "text {title            | bridge.tables.orders.text={title: '{' at position 0 has no closing '}'",
            "text plain words       | bridge.tables.orders.text=plain words: 'plain words' names no payload field",
            "text a } b {x}         | bridge.tables.orders.text=a } b {x}: '}' at position 2 closes no placeholder",
            "text {}                | bridge.tables.orders.text={}: empty placeholder",
            "id /                   | bridge.tables.orders.id=/: a field path must name a field",
            "id /a,,/b              | bridge.tables.orders.id=/a,,/b: a field path must name a field",
            "id a,/a                | bridge.tables.orders.id=a,/a: a key field is named twice",
            "format xml             | bridge.tables.orders.format=xml: unknown format 'xml'; one of json, debezium",
            "column source_position | bridge.tables.orders.columns.source_position: 'source_position' is a column every table has",
    })
    void invalidDeclarationsNameTheirKey(String change, String message) {
        String[] parts = change.split(" ", 2);
        Declared.Table table = switch (parts[0]) {
            case "price" -> ORDERS.withColumns(Map.of("price", Declared.Column.of("float")));
            case "column" -> ORDERS.withColumns(Map.of(parts[1], Declared.Column.of("string")));
            case "text" -> ORDERS.withText(parts[1]);
            case "id" -> ORDERS.withId(parts[1]);
            case "format" -> ORDERS.withFormat(parts[1]);
            default -> throw new IllegalArgumentException(change);
        };
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> TableDeclaration.of("orders", table, BUILT_IN_COLUMNS));
        assertTrue(error.getMessage().startsWith(message), error.getMessage());
    }

    @Test
    void aCompositeKeyIsReadFromEachOfItsFields() {
        TableDeclaration table = TableDeclaration.of("notes", ORDERS.withFormat("Debezium").withId("tenant, /note/n"), BUILT_IN_COLUMNS);
        assertEquals(TableFormat.DEBEZIUM, table.format());
        assertEquals(List.of("/tenant", "/note/n"), table.id().stream().map(Object::toString).toList());
        assertTrue(table.topLevelFields().containsAll(List.of("tenant", "note")));
    }

    @Test
    void aTableNeedsASubjectAndASqlFriendlyName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TableDeclaration.of("orders", Declared.Table.of("SHOP"), BUILT_IN_COLUMNS))
                .getMessage().startsWith("bridge.tables.orders.subjects: name at least one subject"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TableDeclaration.of("my-orders", ORDERS, BUILT_IN_COLUMNS))
                .getMessage().startsWith("bridge.tables.my-orders: a table name is lower-case"));
    }
}
