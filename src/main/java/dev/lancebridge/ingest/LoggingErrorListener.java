package dev.lancebridge.ingest;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import org.jboss.logging.Logger;

/** Routes the NATS client's asynchronous errors to the log instead of stderr. */
final class LoggingErrorListener implements ErrorListener {

    private static final Logger LOG = Logger.getLogger(LoggingErrorListener.class);

    /** The newest exception: jnats reports why a connection attempt failed (a TLS handshake) only here. */
    private volatile Exception last;

    @Override
    public void errorOccurred(Connection conn, String error) {
        LOG.warnf("NATS error: %s", error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        last = exp;
        LOG.warnf("NATS exception: %s", exp.toString());
    }

    Exception last() {
        return last;
    }
}
