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

    /** {@code {"id", "text", "vector"}}: the vector is stored as is. */
    static byte[] withVector(String id, String text, float[] vector) throws Exception {
        ObjectNode event = Results.JSON.createObjectNode().put("id", id).put("text", text);
        ArrayNode array = event.putArray("vector");
        for (float v : vector) {
            array.add(v);
        }
        return Results.JSON.writeValueAsBytes(event);
    }

    /** Events {@code p-from .. p-(to-1)} with vectors from the corpus. */
    static List<byte[]> provided(Corpus corpus, int from, int to) throws Exception {
        List<byte[]> payloads = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            payloads.add(withVector("p-" + i, corpus.text(i), corpus.vector(i)));
        }
        return payloads;
    }
}
