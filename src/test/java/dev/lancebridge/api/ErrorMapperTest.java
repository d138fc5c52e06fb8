package dev.lancebridge.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A streamed answer that fails before its first byte reaches Quarkus wrapped in a 500; the caller
 * still gets what the same failure gets anywhere else: 429 for full slots, 503 for a timeout.
 */
class ErrorMapperTest {

    private final ErrorMapper mapper = new ErrorMapper();

    @Test
    void aStreamThatFoundEverySlotTakenIsA429() {
        Response response = mapper.web(new WebApplicationException(new BulkheadException("full"), 500));
        assertEquals(429, response.getStatus());
        assertEquals("1", response.getHeaderString("Retry-After"));
    }

    @Test
    void aStreamWhoseTimeRanOutBeforeItsFirstByteIsA503() {
        Response response = mapper.web(new WebApplicationException(new TimeoutException("late"), 500));
        assertEquals(503, response.getStatus());
        assertEquals("5", response.getHeaderString("Retry-After"));
        assertEquals("search timed out", ((ApiError) response.getEntity()).error());
    }

    @Test
    void anyOtherWrappedFailureKeepsItsStatus() {
        Response response = mapper.web(new WebApplicationException("gone", 410));
        assertEquals(410, response.getStatus());
    }
}
