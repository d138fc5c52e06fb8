package dev.lancebridge.embed;

import dev.lancebridge.config.DaemonThreads;
import dev.lancebridge.config.BridgeConfig;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The embedders tables choose by name: the built-in in-process {@code minilm}, {@code minilm-q}
 * and {@code bge-small}, and those declared under {@code bridge.embedders.<name>}. Each is made once,
 * when a table first asks for it; in-process models share one thread per core.
 */
@Singleton
public class Embedders {

    public static final String DEFAULT = "minilm";
    private static final Map<String, InProcessModel> BUILT_IN = new TreeMap<>(Map.of(
            DEFAULT, InProcessModel.MINILM,
            "minilm-q", InProcessModel.MINILM_Q,
            "bge-small", InProcessModel.BGE_SMALL_Q));

    /** The built-in embedder's name that runs {@code model} ({@code minilm}, ...). */
    public static String builtInName(InProcessModel model) {
        return BUILT_IN.entrySet().stream().filter(entry -> entry.getValue() == model).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }

    private final Map<String, BridgeConfig.EmbedderSettings> declared;
    private final int threadCount;
    private final Map<String, Embedder> made = new ConcurrentHashMap<>();
    private final Map<InProcessModel, InProcessEmbedder> loaded = new EnumMap<>(InProcessModel.class);
    private ThreadPoolExecutor threads;

    @Inject
    public Embedders(BridgeConfig config) {
        this(config.embedders(), config.embedding().threads().orElse(Runtime.getRuntime().availableProcessors()));
    }

    public Embedders(Map<String, BridgeConfig.EmbedderSettings> declared, int threadCount) {
        this.declared = declared;
        this.threadCount = threadCount;
        declared.keySet().stream().filter(BUILT_IN::containsKey).findFirst().ifPresent(name -> {
            throw new IllegalArgumentException("bridge.embedders." + name + ": '" + name + "' is a built-in embedder's name;"
                    + " choose another");
        });
    }

    /**
     * Checks every declared embedder, used by a table or not, so that a bad declaration stops
     * start-up. Remote and provided ones are made now (cheap); in-process models load on first use.
     *
     * @throws IllegalArgumentException naming the setting at fault
     */
    public void validate() {
        declared.forEach((name, settings) -> {
            if (settings.provider() == BridgeConfig.Provider.IN_PROCESS) {
                inProcessModel(name, settings);
            } else {
                get(name);
            }
        });
    }

    /**
     * The embedder called {@code name}, made on first use.
     *
     * @throws IllegalArgumentException naming the setting at fault, for an unknown name or an invalid declaration
     */
    public Embedder get(String name) {
        return made.computeIfAbsent(name, this::create);
    }

    /**
     * An embedder that makes vectors of {@code model} and {@code dimension}: {@code preferred}
     * when it does, else any built-in or declared one that does. For a table whose stored vectors
     * are of another model than its declaration names (until it is re-embedded).
     */
    public Optional<Embedder> forModel(String model, int dimension, String preferred) {
        List<String> names = new ArrayList<>();
        names.add(preferred);
        names.addAll(BUILT_IN.keySet());
        names.addAll(new TreeSet<>(declared.keySet()));
        for (String name : names) {
            if (model.equals(modelOf(name)) && dimensionOf(name) == dimension) {
                return Optional.of(get(name));
            }
        }
        return Optional.empty();
    }

    /** The model name of embedder {@code name} without making it (null for an unknown one). */
    private String modelOf(String name) {
        if (BUILT_IN.containsKey(name)) {
            return BUILT_IN.get(name).modelName();
        }
        BridgeConfig.EmbedderSettings settings = declared.get(name);
        if (settings == null) {
            return null;
        }
        return switch (settings.provider()) {
            case IN_PROCESS -> inProcessModel(name, settings).modelName();
            case PROVIDED -> settings.model().orElse(name);
            case OPENAI -> settings.model().orElse(null);
        };
    }

    private int dimensionOf(String name) {
        if (BUILT_IN.containsKey(name)) {
            return BUILT_IN.get(name).dimension();
        }
        BridgeConfig.EmbedderSettings settings = declared.get(name);
        if (settings == null) {
            return -1;
        }
        return settings.provider() == BridgeConfig.Provider.IN_PROCESS
                ? inProcessModel(name, settings).dimension()
                : settings.dimension().orElse(-1);
    }

    /** The in-process model declared embedder {@code name} runs (default MiniLM), or an error naming its key. */
    private static InProcessModel inProcessModel(String name, BridgeConfig.EmbedderSettings settings) {
        String model = settings.model().orElse(InProcessModel.MINILM.modelName());
        try {
            return InProcessModel.named(model);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bridge.embedders." + name + ".model=" + model + ": " + e.getMessage(), e);
        }
    }

    /** Makes the embedder {@code name}; tests override it to wrap what it makes. */
    protected Embedder create(String name) {
        InProcessModel builtIn = BUILT_IN.get(name);
        if (builtIn != null) {
            return inProcess(builtIn);
        }
        BridgeConfig.EmbedderSettings settings = declared.get(name);
        if (settings == null) {
            throw new IllegalArgumentException("no embedder '" + name + "'; built in: " + BUILT_IN.keySet()
                    + (declared.isEmpty() ? "" : ", declared under bridge.embedders: " + new TreeSet<>(declared.keySet())));
        }
        String key = "bridge.embedders." + name + ".";
        return switch (settings.provider()) {
            case IN_PROCESS -> inProcess(inProcessModel(name, settings));
            case PROVIDED -> new ProvidedVectors(name, settings.model().orElse(name),
                    positive(key + "dimension", settings.dimension().orElseThrow(() -> missing(key + "dimension",
                            "the length of the vectors the events carry"))));
            case OPENAI -> new RemoteEmbedder(name,
                    settings.baseUrl().orElseThrow(() -> missing(key + "base-url", "e.g. https://api.openai.com/v1 or http://ollama:11434/v1")),
                    settings.apiKey().orElse("none"),
                    settings.model().orElseThrow(() -> missing(key + "model", "the model the endpoint serves")),
                    positive(key + "dimension", settings.dimension().orElseThrow(() -> missing(key + "dimension",
                            "the length of the vectors the model answers"))),
                    settings.timeout(), positive(key + "max-batch", settings.maxBatch()),
                    positive(key + "max-in-flight", settings.maxInFlight()));
        };
    }

    private synchronized Embedder inProcess(InProcessModel model) {
        if (threads == null) {
            threads = threads(threadCount);
        }
        return loaded.computeIfAbsent(model, kind -> new InProcessEmbedder(kind, threads));
    }

    private static IllegalArgumentException missing(String key, String what) {
        return new IllegalArgumentException(key + " is required: " + what);
    }

    private static int positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + "=" + value + ": must be positive");
        }
        return value;
    }

    /** The daemon threads in-process models spread a batch over. */
    static ThreadPoolExecutor threads(int count) {
        int size = Math.max(1, count);
        return new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), DaemonThreads.named("embedder"));
    }

    @PreDestroy
    synchronized void close() {
        // each model's session is freed (a dev-mode restart loads them again), after its runs in flight
        loaded.values().forEach(InProcessEmbedder::close);
        loaded.clear();
        made.values().stream().filter(RemoteEmbedder.class::isInstance).forEach(remote -> ((RemoteEmbedder) remote).close());
        if (threads != null) {
            threads.shutdownNow();
        }
    }
}
