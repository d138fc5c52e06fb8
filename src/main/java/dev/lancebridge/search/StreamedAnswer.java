package dev.lancebridge.search;

import java.io.OutputStream;

/**
 * An answer already validated and opened, written when the response body is: failures the
 * caller must fix have been thrown before this exists. Writing closes what it holds.
 */
@FunctionalInterface
public interface StreamedAnswer {

    void writeTo(OutputStream out);
}
