package dev.muster.server.amqp;

/**
 * A DPS link address (reference §3): {@code amqps://{host}/{idScope}/registrations/{registrationId}} (C),
 * {@code /{idScope}/registrations/{registrationId}} (Java) or the same without the leading slash (Node). The same
 * {@code {idScope}/registrations/{registrationId}} form, with or without a leading slash, is the SASL PLAIN authcid.
 */
public record DpsLinkAddress(String idScope, String registrationId) {

    /** The parsed address, or null when it is not a DPS registration address. */
    public static DpsLinkAddress parse(String address) {
        if (address == null) {
            return null;
        }
        String path = address.trim();
        int scheme = path.indexOf("://");
        if (scheme > 0 && scheme < 8) {
            int slash = path.indexOf('/', scheme + 3);
            if (slash < 0) {
                return null;
            }
            path = path.substring(slash);
        }
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        String[] parts = path.split("/", -1);
        if (parts.length != 3 || parts[0].isEmpty() || !parts[1].equalsIgnoreCase("registrations") || parts[2].isEmpty()) {
            return null;
        }
        return new DpsLinkAddress(parts[0], parts[2]);
    }

    @Override
    public String toString() {
        return idScope + "/registrations/" + registrationId;
    }
}
