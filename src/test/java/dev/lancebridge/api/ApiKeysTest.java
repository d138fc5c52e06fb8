package dev.lancebridge.api;

import dev.lancebridge.config.BridgeConfig.ApiRole;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    private static final String READ = "read-key-0123456789abcdef";
    private static final String ADMIN = "admin-key-0123456789abcdef";

    private final ApiKeys keys = ApiKeys.of(Map.of("analyst", Map.entry(READ, ApiRole.READ), "ops", Map.entry(ADMIN, ApiRole.ADMIN)));

    @Test
    void aKeyGrantsItsRoleAndAdminIncludesRead() {
        assertEquals(new ApiKeys.Caller("analyst", Set.of(ApiKeys.READ)), keys.caller(READ).orElseThrow());
        assertEquals(new ApiKeys.Caller("ops", Set.of(ApiKeys.READ, ApiKeys.ADMIN)), keys.caller(ADMIN).orElseThrow());
        assertFalse(keys.open());
    }

    @Test
    void nearMissesAreRefused() {
        assertTrue(keys.caller(READ.substring(1)).isEmpty());
        assertTrue(keys.caller(READ + "x").isEmpty());
        assertTrue(keys.caller(READ.toUpperCase()).isEmpty());
        assertTrue(keys.caller("").isEmpty());
    }

    @Test
    void noKeysMeansOpen() {
        ApiKeys none = ApiKeys.of(Map.of());
        assertTrue(none.open());
        assertTrue(none.caller(READ).isEmpty());
    }

    @Test
    void aShortKeyIsRefusedAtStartUp() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ApiKeys.of(Map.of("weak", Map.entry("secret", ApiRole.ADMIN))));
        assertTrue(refused.getMessage().contains("'weak'"), refused.getMessage());
        assertFalse(refused.getMessage().contains("secret"), "the message repeats the key");
    }
}
