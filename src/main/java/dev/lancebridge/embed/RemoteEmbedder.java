package dev.lancebridge.embed;

import dev.lancebridge.config.DaemonThreads;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An OpenAI-compatible embeddings endpoint ({@code POST <base-url>/embeddings}): OpenAI itself,
 * Ollama ({@code http://host:11434/v1}), vLLM, LocalAI, TEI. Through LangChain4j's OpenAI model,
 * with its own retries off: an unreachable or failing endpoint is the pipeline's to wait out. A
 * batch larger than {@code max-batch} goes out as several requests at once (up to
 * {@code max-in-flight}), and its vectors come back in order.
 */
final class RemoteEmbedder implements Embedder, AutoCloseable {

    private final String name;
    private final String model;
    private final int dimension;
    private final OpenAiEmbeddingModel client;
    private final int maxBatch;
    private final ExecutorService requests;

    RemoteEmbedder(String name, String baseUrl, String apiKey, String model, int dimension, Duration timeout, int maxBatch,
                   int maxInFlight) {
        this.name = name;
        this.model = model;
        this.dimension = dimension;
        this.maxBatch = maxBatch;
        this.requests = Executors.newFixedThreadPool(maxInFlight, DaemonThreads.named("embedder-" + name));
        this.client = OpenAiEmbeddingModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(model)
                .timeout(timeout)
                .maxRetries(0)
                .maxSegmentsPerBatch(maxBatch)
                .build();
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public Optional<LanceDbFunction> lancedbFunction() {
        return Optional.of(new LanceDbFunction(LanceDbFunction.OPENAI, model));
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        try {
            if (texts.size() <= maxBatch) {
                vectors.addAll(LangChainModels.embedAll(client, texts));
            } else {
                List<Callable<List<float[]>>> calls = new ArrayList<>();
                for (int from = 0; from < texts.size(); from += maxBatch) {
                    List<String> request = texts.subList(from, Math.min(texts.size(), from + maxBatch));
                    calls.add(() -> LangChainModels.embedAll(client, request));
                }
                for (Future<List<float[]>> answer : requests.invokeAll(calls)) {
                    vectors.addAll(answer.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbedderUnavailableException("embedder '" + name + "': interrupted", e);
        } catch (ExecutionException | RuntimeException e) {
            Throwable failure = e instanceof ExecutionException ? e.getCause() : e;
            String problem = "embedder '" + name + "' (" + model + "): " + failure.getClass().getSimpleName() + ": "
                    + dev.lancebridge.config.Redaction.secrets(failure.getMessage()); // endpoints may echo the key
            throw unavailable(failure) ? new EmbedderUnavailableException(problem, failure) : new EmbeddingException(problem, failure);
        }
        if (vectors.size() != texts.size()) {
            throw new EmbedderUnavailableException("embedder '" + name + "' answered " + vectors.size() + " vectors for "
                    + texts.size() + " texts", null);
        }
        for (float[] vector : vectors) {
            if (vector.length != dimension) {
                // a misconfiguration, not the events' fault: wait for the operator, lose nothing
                throw new EmbedderUnavailableException("embedder '" + name + "' (" + model + ") answered " + vector.length
                        + "-dimensional vectors, but bridge.embedders." + name + ".dimension is " + dimension, null);
            }
        }
        return vectors;
    }

    @Override
    public void close() {
        requests.shutdownNow();
    }

    /** An outage (5xx, 429, 408, timeout, refused connection) rather than a request the endpoint rejects (other 4xx). */
    static boolean unavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof UnresolvedModelServerException || cause instanceof IOException) {
                return true;
            }
            if (cause instanceof HttpException http) {
                int status = http.statusCode();
                return status >= 500 || status == 429 || status == 408;
            }
        }
        return false;
    }
}
