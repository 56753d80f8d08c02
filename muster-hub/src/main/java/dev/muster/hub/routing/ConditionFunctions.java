package dev.muster.hub.routing;

import java.util.Map;

/**
 * The functions IoT Hub's route conditions may call (its query language's "in routes conditions" lists: type checks
 * and casting, math, strings), each with how many arguments it takes.
 */
final class ConditionFunctions {
    /** Arity: {min, max}. */
    private static final Map<String, int[]> ARITY = Map.ofEntries(
            Map.entry("IS_DEFINED", new int[] {1, 1}), Map.entry("IS_NULL", new int[] {1, 1}),
            Map.entry("IS_STRING", new int[] {1, 1}), Map.entry("IS_NUMBER", new int[] {1, 1}),
            Map.entry("IS_BOOL", new int[] {1, 1}), Map.entry("IS_OBJECT", new int[] {1, 1}),
            Map.entry("IS_ARRAY", new int[] {1, 1}), Map.entry("IS_PRIMITIVE", new int[] {1, 1}),
            Map.entry("AS_NUMBER", new int[] {1, 1}),
            Map.entry("ABS", new int[] {1, 1}), Map.entry("EXP", new int[] {1, 1}),
            Map.entry("POWER", new int[] {2, 2}), Map.entry("SQUARE", new int[] {1, 1}),
            Map.entry("CEILING", new int[] {1, 1}), Map.entry("FLOOR", new int[] {1, 1}),
            Map.entry("SIGN", new int[] {1, 1}), Map.entry("SQRT", new int[] {1, 1}),
            Map.entry("CONCAT", new int[] {2, Integer.MAX_VALUE}), Map.entry("LENGTH", new int[] {1, 1}),
            Map.entry("LOWER", new int[] {1, 1}), Map.entry("UPPER", new int[] {1, 1}),
            Map.entry("SUBSTRING", new int[] {2, 3}), Map.entry("INDEX_OF", new int[] {2, 2}),
            Map.entry("STARTS_WITH", new int[] {2, 2}), Map.entry("ENDS_WITH", new int[] {2, 2}),
            Map.entry("CONTAINS", new int[] {2, 2}));

    private ConditionFunctions() {}

    static boolean exists(String upperName) {
        return ARITY.containsKey(upperName);
    }

    /** @return null when {@code count} arguments suit the function, else what it takes */
    static String arityProblem(String upperName, int count) {
        int[] a = ARITY.get(upperName);
        if (count >= a[0] && count <= a[1]) {
            return null;
        }
        if (a[1] == Integer.MAX_VALUE) {
            return upperName + " takes at least " + a[0] + " arguments, not " + count + ".";
        }
        String wanted = a[0] == a[1] ? Integer.toString(a[0]) : a[0] + " or " + a[1];
        return upperName + " takes " + wanted + " argument" + (a[1] == 1 ? "" : "s") + ", not " + count + ".";
    }
}
