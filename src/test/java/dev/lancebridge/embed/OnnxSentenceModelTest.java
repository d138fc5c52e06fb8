package dev.lancebridge.embed;

import dev.lancebridge.support.WordNet;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched model gives LangChain4j's vectors (one text per run, the reference) on the same
 * weights: glosses, hard texts, and texts longer than the model's input (only their beginning counts).
 */
class OnnxSentenceModelTest {

    private static ThreadPoolExecutor threads;

    @BeforeAll
    static void start() {
        threads = Embedders.threads(2);
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
    }

    @Test
    void miniLmGivesLangChainsVectors() throws Exception {
        sameVectors(InProcessModel.MINILM, new AllMiniLmL6V2EmbeddingModel());
    }

    @Test
    void bgeSmallGivesLangChainsVectors() throws Exception {
        sameVectors(InProcessModel.BGE_SMALL_Q, new BgeSmallEnV15QuantizedEmbeddingModel());
    }

    private static void sameVectors(InProcessModel kind, EmbeddingModel reference) throws Exception {
        List<String> texts = new ArrayList<>(WordNet.glosses(300));
        WordPieceTest.HARD.stream().filter(text -> !text.isBlank()).forEach(texts::add);
        // longer than MiniLM's 128 tokens and BGE's 512: both read the beginning
        List<String> glosses = WordNet.glosses(400);
        texts.add(String.join(" ", glosses.subList(0, 12)));
        texts.add(String.join(" ", glosses.subList(0, 40)));
        texts.add(String.join(" ", glosses.subList(100, 200)));
        try (OnnxSentenceModel model = kind.load()) {
            List<float[]> batched = model.embed(texts, threads);
            assertEquals(texts.size(), batched.size());
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = reference.embed(TextSegment.from(texts.get(i))).content().vector();
                double cosine = cosine(expected, batched.get(i));
                String text = texts.get(i);
                assertTrue(cosine > 0.999, () -> kind + ": cosine " + cosine + " for a text of " + text.length() + " chars: "
                        + text.substring(0, Math.min(80, text.length())));
                assertEquals(1.0, norm(batched.get(i)), 1e-5);
            }
            // a text's vector does not depend on what it was batched with
            float[] alone = model.embed(List.of(texts.get(7)), threads).get(0);
            assertTrue(cosine(alone, batched.get(7)) > 0.99999);
        }
    }

    @Test
    void quantizedMiniLmStaysNearFp32AndDoesNotDependOnItsBatch() throws Exception {
        List<String> texts = WordNet.glosses(200);
        try (OnnxSentenceModel fp32 = InProcessModel.MINILM.load(); OnnxSentenceModel quantized = InProcessModel.MINILM_Q.load()) {
            List<float[]> exact = fp32.embed(texts, threads);
            List<float[]> approximate = quantized.embed(texts, threads);
            double sum = 0;
            double min = 1;
            for (int i = 0; i < texts.size(); i++) {
                double cosine = cosine(exact.get(i), approximate.get(i));
                sum += cosine;
                min = Math.min(min, cosine);
            }
            double mean = sum / texts.size();
            double lowest = min;
            assertTrue(mean > 0.98 && lowest > 0.95, () -> "quantized vs fp32: mean cosine " + mean + ", min " + lowest);
            // its activations are scaled per run: run alone, a text gets the same vector as in its batch
            for (int i : new int[] {0, 57, 199}) {
                float[] alone = quantized.embed(List.of(texts.get(i)), threads).get(0);
                assertTrue(cosine(alone, approximate.get(i)) > 0.999999, "text " + i);
            }
        }
    }

    @Test
    void anEmptyTextFailsItsBatchWithAClearError() {
        try (OnnxSentenceModel model = InProcessModel.MINILM.load()) {
            IllegalArgumentException failed = assertThrows(IllegalArgumentException.class,
                    () -> model.embed(List.of("a dog", " \u0000 "), threads));
            assertTrue(failed.getMessage().contains("empty or whitespace-only text (#1"), failed.getMessage());
        }
    }

    @Test
    void aClosedModelIsUnavailableNotACrash() {
        OnnxSentenceModel model = InProcessModel.MINILM.load();
        model.close();
        model.close();
        assertThrows(EmbedderUnavailableException.class, () -> model.embed(List.of("a dog"), threads));
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        return dot / (norm(a) * norm(b));
    }

    private static double norm(float[] vector) {
        double sum = 0;
        for (float value : vector) {
            sum += (double) value * value;
        }
        return Math.sqrt(sum);
    }
}
