package dev.lancebridge.config;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** An enum constant by the name a declaration uses for it, or an error that lists the names there are. */
final class DeclaredNames {

    private DeclaredNames() {
    }

    /**
     * @param wanted   the name as declared, normalized as the caller compares names
     * @param declared the original text, for the message
     */
    static <E extends Enum<E>> E find(E[] values, Function<E, String> name, String wanted, String what, String declared) {
        return Arrays.stream(values).filter(value -> name.apply(value).equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown " + what + " '" + declared + "'; one of "
                        + Arrays.stream(values).map(name).collect(Collectors.joining(", "))));
    }
}
