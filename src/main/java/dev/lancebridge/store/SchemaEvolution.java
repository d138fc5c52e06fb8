package dev.lancebridge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a stored table meets its declaration at start-up. A declared column the table lacks is
 * added (existing rows hold null); a column whose type changed, or vectors of another model, stop
 * the bridge with a message that says what to do, before anything is written.
 */
final class SchemaEvolution {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaEvolution() {
    }

    /** The declared fields {@code stored} lacks; throws {@link IncompatibleTableException} for a change that cannot be applied. */
    static List<Field> missingFields(String table, Schema stored, TableLayout layout) {
        Schema declared = layout.schema();
        checkModel(table, stored, layout);
        List<Field> missing = new ArrayList<>();
        for (Field field : declared.getFields()) {
            Optional<Field> existing = stored.getFields().stream().filter(f -> f.getName().equals(field.getName())).findFirst();
            if (existing.isEmpty()) {
                missing.add(field);
            } else if (!sameType(existing.get(), field)) {
                throw new IncompatibleTableException("table '" + table + "': column '" + field.getName() + "' is stored as "
                        + describe(existing.get()) + " but declared " + describe(field) + ". A stored column's type cannot"
                        + " change in place: declare the new type under a new column name, or replay the stream into a new table.");
            }
        }
        return missing;
    }

    /**
     * The model whose vectors the table holds, from the bridge's own metadata or, for tables an
     * older bridge made, LanceDB's embedding-function metadata; empty if it has neither.
     */
    static Optional<String> storedModel(Schema stored) {
        Map<String, String> metadata = stored.getCustomMetadata() == null ? Map.of() : stored.getCustomMetadata();
        if (metadata.containsKey(TableSchema.BRIDGE_MODEL)) {
            return Optional.of(metadata.get(TableSchema.BRIDGE_MODEL));
        }
        String functions = metadata.get(TableSchema.EMBEDDING_FUNCTIONS);
        if (functions == null) {
            return Optional.empty();
        }
        try {
            JsonNode name = JSON.readTree(functions).path(0).path("model").path("name");
            return name.isTextual() ? Optional.of(name.asText()) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    static int storedDimension(Schema stored) {
        Field vector = stored.findField(TableSchema.VECTOR);
        return ((ArrowType.FixedSizeList) vector.getType()).getListSize();
    }

    private static void checkModel(String table, Schema stored, TableLayout layout) {
        int dimension = storedDimension(stored);
        String model = storedModel(stored).orElse(null);
        if (!new StoredEmbedding(model, dimension).matches(layout.model(), layout.dimension())) {
            throw new IncompatibleTableException("table '" + table + "' holds vectors of " + (model == null ? "an unnamed model" : model)
                    + " (" + dimension + " dimensions), but its declaration asks for " + layout.model() + " ("
                    + layout.dimension() + " dimensions). The bridge does not mix two models in one table: declare the"
                    + " stored model again, or re-embed the table (POST /tables/" + table + "/reembed).");
        }
    }

    private static boolean sameType(Field stored, Field declared) {
        if (!stored.getType().equals(declared.getType()) || stored.getChildren().size() != declared.getChildren().size()) {
            return false;
        }
        for (int i = 0; i < stored.getChildren().size(); i++) {
            if (!stored.getChildren().get(i).getType().equals(declared.getChildren().get(i).getType())) {
                return false;
            }
        }
        return true;
    }

    private static String describe(Field field) {
        return field.getChildren().isEmpty() ? field.getType().toString()
                : field.getType() + "<" + field.getChildren().get(0).getType() + ">";
    }
}
