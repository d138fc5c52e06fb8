package dev.lancebridge.embed;

import dev.lancebridge.config.BridgeConfig;
import dev.lancebridge.support.Declared;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbeddersTest {

    private static String error(Map<String, BridgeConfig.EmbedderSettings> declared, String name) {
        return assertThrows(IllegalArgumentException.class, () -> new Embedders(declared, 1).get(name)).getMessage();
    }

    @Test
    void builtInModelsAreMadeOnceAndShared() {
        Embedders embedders = new Embedders(Map.of("mini", Declared.Embedder.of(BridgeConfig.Provider.IN_PROCESS)), 1);
        Embedder minilm = embedders.get("minilm");
        assertEquals("all-MiniLM-L6-v2", minilm.model());
        assertSame(minilm, embedders.get("mini"), "the same in-process model is loaded once");
        assertEquals("bge-small-en-v1.5-q", embedders.get("bge-small").model());
        assertEquals(384, embedders.get("bge-small").dimension());
        assertEquals(new LanceDbFunction("sentence-transformers", "BAAI/bge-small-en-v1.5"),
                embedders.get("bge-small").lancedbFunction().orElseThrow());
    }

    @Test
    void providedVectorsNeedTheirDimensionAndEmbedNoText() {
        Embedder clip = new Embedders(Map.of("clip", Declared.Embedder.of(BridgeConfig.Provider.PROVIDED).withDimension(512)), 1)
                .get("clip");
        assertEquals(512, clip.dimension());
        assertEquals("clip", clip.model());
        assertFalse(clip.embedsText());
        assertTrue(clip.lancedbFunction().isEmpty());
        assertEquals("bridge.embedders.clip.dimension is required: the length of the vectors the events carry",
                error(Map.of("clip", Declared.Embedder.of(BridgeConfig.Provider.PROVIDED)), "clip"));
    }

    @Test
    void invalidDeclarationsNameTheirKey() {
        assertTrue(error(Map.of(), "nope").startsWith("no embedder 'nope'; built in: [bge-small, minilm, minilm-q]"));
        assertTrue(error(Map.of("remote", Declared.Embedder.of(BridgeConfig.Provider.OPENAI).withModel("m").withDimension(8)), "remote")
                .startsWith("bridge.embedders.remote.base-url is required"));
        assertTrue(error(Map.of("remote", Declared.Embedder.of(BridgeConfig.Provider.OPENAI).withBaseUrl("http://x/v1").withDimension(8)),
                "remote").startsWith("bridge.embedders.remote.model is required"));
        assertEquals("bridge.embedders.remote.max-in-flight=0: must be positive", error(Map.of("remote",
                new Declared.Embedder(BridgeConfig.Provider.OPENAI, java.util.Optional.of("m"), java.util.Optional.of(8),
                        java.util.Optional.of("http://x/v1"), java.util.Optional.empty(), java.time.Duration.ofSeconds(1), 10, 0)), "remote"));
        assertTrue(error(Map.of("m", Declared.Embedder.of(BridgeConfig.Provider.IN_PROCESS).withModel("e5")), "m")
                .startsWith("bridge.embedders.m.model=e5: no in-process model 'e5'; one of all-MiniLM-L6-v2, all-MiniLM-L6-v2-q, bge-small-en-v1.5-q"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Embedders(
                Map.of("minilm", Declared.Embedder.of(BridgeConfig.Provider.IN_PROCESS)), 1)).getMessage()
                .startsWith("bridge.embedders.minilm: 'minilm' is a built-in embedder's name"));
        // checked at start-up even when no table uses them
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Embedders(Map.of("unused",
                Declared.Embedder.of(BridgeConfig.Provider.PROVIDED)), 1).validate()).getMessage()
                .startsWith("bridge.embedders.unused.dimension is required"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Embedders(Map.of("unused",
                Declared.Embedder.of(BridgeConfig.Provider.IN_PROCESS).withModel("e5")), 1).validate()).getMessage()
                .startsWith("bridge.embedders.unused.model=e5: no in-process model"));
    }

    @Test
    void outagesAreToldApartFromRejectedRequests() {
        assertTrue(RemoteEmbedder.unavailable(new dev.langchain4j.exception.HttpException(503, "busy")));
        assertTrue(RemoteEmbedder.unavailable(new dev.langchain4j.exception.HttpException(429, "slow down")));
        assertTrue(RemoteEmbedder.unavailable(new RuntimeException(new java.net.ConnectException("refused"))));
        assertFalse(RemoteEmbedder.unavailable(new dev.langchain4j.exception.HttpException(400, "input too long")));
        assertFalse(RemoteEmbedder.unavailable(new IllegalStateException("bug")));
    }
}
