package dev.muster.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Repeatable {@code KEY=VALUE} options (message properties, webhook headers, Kafka settings), in the order given. */
final class KeyValues {
    private KeyValues() {}

    static Map<String, String> parse(List<String> pairs, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(option + " takes KEY=VALUE, not '" + p + "'.");
            }
            out.put(p.substring(0, eq), p.substring(eq + 1));
        }
        return out;
    }
}
