package dev.lancebridge.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Event payloads the way a producer would publish them. */
final class Events {

    private Events() {
    }

    /** {@code {"id", "text"}}: the bridge embeds it. */
    static byte[] text(String id, String text) throws Exception {
        return Results.JSON.writeValueAsBytes(Results.JSON.createObjectNode().put("id", id).put("text", text));
    }

    /** {@code {"id", "text", "vector"}}: the vector is stored as is, as an array of numbers or as base64 of little-endian float32. */
    static byte[] withVector(String id, String text, float[] vector, boolean base64) throws Exception {
        ObjectNode event = Results.JSON.createObjectNode().put("id", id).put("text", text);
        if (base64) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(vector.length * Float.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(vector);
            event.put("vector", java.util.Base64.getEncoder().encodeToString(bytes.array()));
        } else {
            ArrayNode array = event.putArray("vector");
            for (float v : vector) {
                array.add(v);
            }
        }
        return Results.JSON.writeValueAsBytes(event);
    }

    /** Events {@code p-from .. p-(to-1)} with vectors from the corpus. */
    static List<byte[]> provided(Corpus corpus, int from, int to, boolean base64) throws Exception {
        List<byte[]> payloads = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            payloads.add(withVector("p-" + i, corpus.text(i), corpus.vector(i), base64));
        }
        return payloads;
    }
}
