package dev.lancebridge.embed;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An OpenAI-compatible embeddings endpoint ({@code POST <base-url>/embeddings}): OpenAI itself,
 * Ollama ({@code http://host:11434/v1}), vLLM, LocalAI, TEI. Through LangChain4j's OpenAI model,
 * with its own retries off: an unreachable or failing endpoint is the pipeline's to wait out.
 */
final class RemoteEmbedder implements Embedder {

    private final String name;
    private final String model;
    private final int dimension;
    private final OpenAiEmbeddingModel client;

    RemoteEmbedder(String name, String baseUrl, String apiKey, String model, int dimension, Duration timeout, int maxBatch) {
        this.name = name;
        this.model = model;
        this.dimension = dimension;
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
        List<float[]> vectors;
        try {
            vectors = LangChainModels.embedAll(client, texts);
        } catch (RuntimeException e) {
            String problem = "embedder '" + name + "' (" + model + "): " + e.getClass().getSimpleName() + ": "
                    + dev.lancebridge.config.Redaction.secrets(e.getMessage()); // endpoints may echo the key
            throw unavailable(e) ? new EmbedderUnavailableException(problem, e) : new EmbeddingException(problem, e);
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
