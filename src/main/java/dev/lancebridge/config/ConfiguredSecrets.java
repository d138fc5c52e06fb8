package dev.lancebridge.config;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.util.ArrayList;
import java.util.List;

/** Hands {@link Redaction} the secrets of this run's configuration, first thing at start-up. */
@ApplicationScoped
public class ConfiguredSecrets {

    /** Store options whose values are credentials: {@code aws_secret_access_key}, {@code azure_storage_account_key}, tokens. */
    private static final java.util.regex.Pattern SECRET_OPTION = java.util.regex.Pattern.compile("(?i)secret|key|token|password|sas");

    void remember(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent started, BridgeConfig config) {
        Redaction.know(of(config));
    }

    static List<String> of(BridgeConfig config) {
        List<String> secrets = new ArrayList<>();
        config.api().key().ifPresent(secrets::add);
        config.api().keys().values().forEach(key -> secrets.add(key.key()));
        config.embedders().values().forEach(embedder -> embedder.apiKey().ifPresent(secrets::add));
        config.nats().password().ifPresent(secrets::add);
        config.nats().token().ifPresent(secrets::add);
        config.store().options().forEach((name, value) -> {
            if (SECRET_OPTION.matcher(name).find()) {
                secrets.add(value);
            }
        });
        return secrets;
    }
}
