package dev.lancebridge.embed;

import dev.lancebridge.config.BridgeConfig;
import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: the real embedders, except that a batch holding a text with {@link #TRIGGER} fails
 * as the model failing on it would, {@link #failuresLeft} times; and every text an embedder is
 * asked for is counted in {@link #texts}.
 */
@Alternative
@Priority(1)
@Singleton
public class FakeOutageEmbedders extends Embedders {

    public static final String TRIGGER = "#embedder-outage";
    public static final AtomicInteger failuresLeft = new AtomicInteger();
    public static final AtomicInteger failures = new AtomicInteger();
    /** Texts handed to any embedder since the test reset it. */
    public static final AtomicInteger texts = new AtomicInteger();

    @Inject
    public FakeOutageEmbedders(BridgeConfig config) {
        super(config);
    }

    @Override
    protected Embedder create(String name) {
        Embedder real = super.create(name);
        return new Embedder() {
            @Override
            public String model() {
                return real.model();
            }

            @Override
            public int dimension() {
                return real.dimension();
            }

            @Override
            public boolean embedsText() {
                return real.embedsText();
            }

            @Override
            public Optional<LanceDbFunction> lancedbFunction() {
                return real.lancedbFunction();
            }

            @Override
            public List<float[]> embed(List<String> batch) {
                if (batch.stream().anyMatch(text -> text.contains(TRIGGER)) && failuresLeft.getAndDecrement() > 0) {
                    failures.incrementAndGet();
                    throw new EmbeddingException("injected failure", new java.io.IOException("model failed"));
                }
                texts.addAndGet(batch.size());
                return real.embed(batch);
            }
        };
    }
}
