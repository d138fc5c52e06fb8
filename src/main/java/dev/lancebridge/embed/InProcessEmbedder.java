package dev.lancebridge.embed;

import dev.lancebridge.config.BridgeConfig;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * all-MiniLM-L6-v2 (384 dimensions) running in this JVM on ONNX Runtime; the weights ship inside
 * the Maven jar, nothing is downloaded. A batch is spread over one thread per core.
 */
@ApplicationScoped
public class InProcessEmbedder implements Embedder, AutoCloseable {

    /** The name LanceDB's sentence-transformers registry knows this model by. */
    public static final String MODEL = "all-MiniLM-L6-v2";
    public static final int DIMENSION = 384;

    private final ExecutorService threads;
    private final AllMiniLmL6V2EmbeddingModel model;

    @Inject
    public InProcessEmbedder(BridgeConfig config) {
        this(config.embedding().threads().orElse(Runtime.getRuntime().availableProcessors()));
    }

    /** @param count threads a batch is spread over */
    public InProcessEmbedder(int count) {
        this.threads = Executors.newFixedThreadPool(Math.max(1, count), runnable -> {
            Thread thread = new Thread(runnable, "embedder");
            thread.setDaemon(true);
            return thread;
        });
        this.model = new AllMiniLmL6V2EmbeddingModel(threads);
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = new ArrayList<>(texts.size());
        texts.forEach(text -> segments.add(TextSegment.from(text)));
        try {
            List<Embedding> embeddings = model.embedAll(segments).content();
            List<float[]> vectors = new ArrayList<>(embeddings.size());
            embeddings.forEach(embedding -> vectors.add(embedding.vector()));
            return vectors;
        } catch (RuntimeException e) {
            throw new EmbeddingException("in-process " + MODEL + " failed: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
