package dev.lancebridge.normalize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One row of a table. Before the embed stage {@code vector} is null unless the event carried it.
 *
 * @param textHash       SHA-256 of {@code text} (hex): an unchanged text keeps its stored vector
 * @param embeddingModel the model that made {@code vector}, or {@link #PROVIDED} when the event carried it
 * @param values         the table's declared columns, in declaration order (null where the event had no value)
 * @param position       what orders versions of the row: its source position (a Debezium table), else its stream sequence
 * @param unavailable    what the source left out and the row keeps from the stored one, or null; {@link #restored} fills it in
 */
public record Row(String id, String text, String textHash, float[] vector, String embeddingModel,
                  String subject, long streamSeq, long eventTimeMillis, Object[] values, long position,
                  Unavailable unavailable) implements Normalized {

    /** The embedding model name of a vector that came with the event. */
    public static final String PROVIDED = "provided";
    private static final Object[] NO_VALUES = {};

    /** A row ordered by its stream sequence (a json table's). */
    public Row(String id, String text, String textHash, float[] vector, String embeddingModel,
               String subject, long streamSeq, long eventTimeMillis, Object[] values) {
        this(id, text, textHash, vector, embeddingModel, subject, streamSeq, eventTimeMillis, values, streamSeq, null);
    }

    /** A row of a table without declared columns. */
    public Row(String id, String text, float[] vector, String embeddingModel, String subject, long streamSeq,
               long eventTimeMillis) {
        this(id, text, hash(text), vector, embeddingModel, subject, streamSeq, eventTimeMillis, NO_VALUES);
    }

    public boolean needsEmbedding() {
        return vector == null;
    }

    public Row withVector(float[] embedded, String model) {
        return new Row(id, text, textHash, embedded, model, subject, streamSeq, eventTimeMillis, values, position, unavailable);
    }

    /**
     * This row complete, the values the source left out taken from the stored row ({@code storedText}
     * and {@code storedValues}; both null when the table has no such row, and those values stay
     * null and absent from the text).
     */
    public Row restored(String storedText, Object[] storedValues) {
        if (unavailable == null) {
            return this;
        }
        Object[] complete = values.clone();
        for (int column : unavailable.columns()) {
            complete[column] = storedValues == null ? null : storedValues[column];
        }
        StringBuilder rendered = new StringBuilder();
        for (int i = 0; i < unavailable.parts().length; i++) {
            String part = unavailable.parts()[i];
            if (part == null) {
                int source = unavailable.partSources()[i];
                Object stored = source == Unavailable.STORED_TEXT ? storedText : storedValues == null ? null : storedValues[source];
                part = stored == null ? "" : stored.toString();
            }
            rendered.append(part);
        }
        String restoredText = rendered.toString();
        return new Row(id, restoredText, hash(restoredText), vector, embeddingModel, subject, streamSeq, eventTimeMillis, complete,
                position, null);
    }

    /** The {@link #textHash} of a text. */
    public static String hash(String text) {
        MessageDigest digest = SHA_256.get();
        return HEX.formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8))); // digest() also resets it
    }

    private static final HexFormat HEX = HexFormat.of();
    /** One digest per thread, reused: looking one up costs more than hashing a short text. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });
}
