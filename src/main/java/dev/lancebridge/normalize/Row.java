package dev.lancebridge.normalize;

/**
 * One row of a table. Before the embed stage {@code vector} is null unless the event carried it.
 *
 * @param embeddingModel the model that made {@code vector}, or {@link #PROVIDED} when the event carried it
 */
public record Row(String id, String text, float[] vector, String embeddingModel,
                  String subject, long streamSeq, long eventTimeMillis) implements Normalized {

    /** The embedding model name of a vector that came with the event. */
    public static final String PROVIDED = "provided";

    public boolean needsEmbedding() {
        return vector == null;
    }

    public Row withVector(float[] embedded, String model) {
        return new Row(id, text, embedded, model, subject, streamSeq, eventTimeMillis);
    }
}
