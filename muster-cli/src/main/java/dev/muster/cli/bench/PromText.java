package dev.muster.cli.bench;

/** Just enough of the Prometheus text format to read a few series out of Muster's /metrics. */
final class PromText {
    private PromText() {}

    /**
     * Sum of every sample of {@code name} whose labels contain {@code labelFilter} (e.g. {@code area="heap"}; null for
     * all); NaN when there is none.
     */
    static double sum(String text, String name, String labelFilter) {
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(name)) {
                continue;
            }
            int end = name.length();
            if (line.length() <= end || (line.charAt(end) != '{' && line.charAt(end) != ' ')) {
                continue; // a longer name with the same prefix
            }
            String labels = "";
            int valueStart = end + 1;
            if (line.charAt(end) == '{') {
                int close = line.indexOf('}', end);
                if (close < 0) {
                    continue;
                }
                labels = line.substring(end + 1, close);
                valueStart = close + 2;
            }
            if (labelFilter != null && !labels.contains(labelFilter)) {
                continue;
            }
            String rest = line.substring(Math.min(valueStart, line.length())).strip();
            int space = rest.indexOf(' ');
            try {
                total += Double.parseDouble(space > 0 ? rest.substring(0, space) : rest);
                found = true;
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return found ? total : Double.NaN;
    }
}
