package dev.lancebridge.config;

import io.quarkus.logging.LoggingFilter;
import org.jboss.logmanager.ExtLogRecord;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Every log line, the bridge's and its libraries', passes through {@link Redaction} before it is
 * written: its message (parameters filled in) and the messages of its exception's cause chain.
 * Enabled on the console by {@code quarkus.log.console.filter=redact-secrets}.
 */
@LoggingFilter(name = "redact-secrets")
public final class RedactingLogFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        String redacted = Redaction.secrets(message);
        if (redacted != null && !redacted.equals(message)) {
            if (record instanceof ExtLogRecord ext) {
                ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
            } else {
                record.setMessage(redacted);
            }
            record.setParameters(null);
        }
        if (record.getThrown() != null) {
            record.setThrown(Redaction.throwable(record.getThrown()));
        }
        return true;
    }
}
