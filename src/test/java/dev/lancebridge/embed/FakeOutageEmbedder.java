package dev.lancebridge.embed;

import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: the real embedder, except that a batch holding a text with {@link #TRIGGER} fails
 * as if the model were down, {@link #failuresLeft} times.
 */
@Decorator
@Priority(1)
public abstract class FakeOutageEmbedder implements Embedder {

    public static final String TRIGGER = "#embedder-outage";
    public static final AtomicInteger failuresLeft = new AtomicInteger();
    public static final AtomicInteger failures = new AtomicInteger();

    @Inject
    @Delegate
    @Any
    Embedder delegate;

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.stream().anyMatch(text -> text.contains(TRIGGER)) && failuresLeft.getAndDecrement() > 0) {
            failures.incrementAndGet();
            throw new EmbeddingException("injected outage", new java.io.IOException("model unavailable"));
        }
        return delegate.embed(texts);
    }
}
