package dev.muster.core.enrollment;

import dev.muster.core.ProvisioningException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A service API query over enrollments or groups: {@code SELECT * FROM enrollments}, optionally with a
 * {@code WHERE} of equality conditions joined by {@code AND} on {@code attestation.type}, {@code provisioningStatus}
 * and {@code tags.NAME} (dotted for nested tags). Keywords and field names are case-insensitive, attestation types
 * and statuses too; tag names and values are matched exactly. Anything else is refused with a 400 that says what
 * is supported.
 */
public record EnrollmentQuery(List<Condition> conditions) {
    public static final EnrollmentQuery ALL = new EnrollmentQuery(List.of());

    public enum Field { ATTESTATION_TYPE, PROVISIONING_STATUS, TAG }

    /** {@code field = value}; {@code tag} is the tag path for {@link Field#TAG}, else null. */
    public record Condition(Field field, String tag, String value) {
        public Condition {
            Objects.requireNonNull(field);
            Objects.requireNonNull(value);
            if (field != Field.TAG) {
                value = value.toLowerCase(Locale.ROOT);
            }
        }

        boolean matches(Enrollment e) {
            return switch (field) {
                case ATTESTATION_TYPE -> value.equals(attestationType(e));
                case PROVISIONING_STATUS -> value.equals(e.isEnabled() ? "enabled" : "disabled");
                case TAG -> value.equals(EnrollmentTags.of(e).get(tag));
            };
        }
    }

    public EnrollmentQuery {
        conditions = List.copyOf(conditions);
    }

    public boolean matches(Enrollment e) {
        return conditions.stream().allMatch(c -> c.matches(e));
    }

    public boolean isAll() {
        return conditions.isEmpty();
    }

    /** The lower-cased attestation type the stores index ({@code none} when absent). */
    public static String attestationType(Enrollment e) {
        AttestationMechanism a = e.attestation();
        return (a == null || a.type() == null ? AttestationMechanism.NONE : a.type()).toLowerCase(Locale.ROOT);
    }

    /**
     * @param source the collection the caller queries, e.g. {@code enrollments} or {@code enrollmentGroups}; the
     *               FROM must name it (case-insensitively)
     */
    public static EnrollmentQuery parse(String text, String source) {
        // The form the Node service SDK's samples send ({query: '*'}), which Azure answers with everything.
        if (text != null && text.strip().equals("*")) {
            return ALL;
        }
        return new Parser(text == null ? "" : text, source).query();
    }

    static String supported(String source) {
        return "Muster answers * or SELECT * FROM " + source + ", optionally with WHERE and conditions joined by AND, each"
                + " one of attestation.type = 'x509|symmetricKey|tpm', provisioningStatus = 'enabled|disabled' or"
                + " tags.NAME = 'value'.";
    }

    /** A hand-written scanner: the grammar is small and every refusal can say where the text went wrong. */
    private static final class Parser {
        private final String text;
        private final String source;
        private int pos;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        EnrollmentQuery query() {
            keyword("SELECT");
            expect("*");
            keyword("FROM");
            String from = word();
            if (!from.equalsIgnoreCase(source)) {
                throw refused("it selects from '" + from + "', not " + source);
            }
            List<Condition> conditions = new ArrayList<>();
            if (!atEnd()) {
                keyword("WHERE");
                conditions.add(condition());
                while (!atEnd()) {
                    keyword("AND");
                    conditions.add(condition());
                }
            }
            return new EnrollmentQuery(conditions);
        }

        private Condition condition() {
            String path = path();
            expect("=");
            String value = literal();
            String p = path.toLowerCase(Locale.ROOT);
            if (p.equals("attestation.type")) {
                return new Condition(Field.ATTESTATION_TYPE, null, value);
            }
            if (p.equals("provisioningstatus")) {
                return new Condition(Field.PROVISIONING_STATUS, null, value);
            }
            if (p.startsWith("tags.") && path.length() > 5) {
                return new Condition(Field.TAG, path.substring(5), value);
            }
            throw refused("it filters on '" + path + "'");
        }

        private String path() {
            skipSpace();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "._$-".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
            if (start == pos) {
                throw refused("a field name is expected at position " + (start + 1));
            }
            return text.substring(start, pos);
        }

        private String literal() {
            skipSpace();
            if (pos >= text.length()) {
                throw refused("a value is expected at the end");
            }
            char quote = text.charAt(pos);
            if (quote == '\'' || quote == '"') {
                StringBuilder s = new StringBuilder();
                pos++;
                while (pos < text.length()) {
                    char c = text.charAt(pos++);
                    if (c == quote) {
                        if (pos < text.length() && text.charAt(pos) == quote) {
                            s.append(quote);
                            pos++;
                        } else {
                            return s.toString();
                        }
                    } else {
                        s.append(c);
                    }
                }
                throw refused("a quoted value is not closed");
            }
            String bare = word();
            if (bare.matches("-?\\d+(\\.\\d+)?|true|false")) {
                return bare;
            }
            throw refused("'" + bare + "' is not a quoted value, number or true/false");
        }

        private String word() {
            skipSpace();
            int start = pos;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '-'
                    || text.charAt(pos) == '.' || text.charAt(pos) == '_')) {
                pos++;
            }
            if (start == pos) {
                throw refused("a word is expected at position " + (start + 1));
            }
            return text.substring(start, pos);
        }

        private void keyword(String keyword) {
            int at = pos;
            String w = atEnd() ? "" : word();
            if (!w.equalsIgnoreCase(keyword)) {
                pos = at;
                throw refused(keyword + " is expected at position " + (at + 1));
            }
        }

        private void expect(String symbol) {
            skipSpace();
            if (!text.startsWith(symbol, pos)) {
                throw refused("'" + symbol + "' is expected at position " + (pos + 1));
            }
            pos += symbol.length();
        }

        private boolean atEnd() {
            skipSpace();
            return pos >= text.length();
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private ProvisioningException refused(String why) {
            return ProvisioningException.badRequest("Unsupported query '" + text + "': " + why + ". "
                    + supported(source));
        }
    }
}
