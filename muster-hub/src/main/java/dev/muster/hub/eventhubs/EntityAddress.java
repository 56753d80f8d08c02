package dev.muster.hub.eventhubs;

import java.util.Optional;

/**
 * A link address on the Event Hubs-compatible endpoint: {@code {entity}/ConsumerGroups/{group}/Partitions/{id}} for
 * a partition receiver, {@code $management} (or {@code {entity}/$management}) for runtime information. The keywords
 * match case-insensitively and a leading slash is dropped, as the SDKs differ in both; {@code entity} may contain a
 * slash ({@code messages/events}), so the address is parsed from its end.
 */
sealed interface EntityAddress {
    String MANAGEMENT = "$management";

    /** @param entity null for a bare {@code $management} */
    record Management(String entity) implements EntityAddress {}

    record Partition(String entity, String consumerGroup, String partitionId) implements EntityAddress {}

    static Optional<EntityAddress> parse(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String a = address.startsWith("/") ? address.substring(1) : address;
        if (a.equalsIgnoreCase(MANAGEMENT)) {
            return Optional.of(new Management(null));
        }
        String[] parts = a.split("/", -1);
        int n = parts.length;
        if (n >= 2 && parts[n - 1].equalsIgnoreCase(MANAGEMENT)) {
            return Optional.of(new Management(join(parts, n - 1)));
        }
        if (n >= 5 && parts[n - 4].equalsIgnoreCase("ConsumerGroups") && parts[n - 2].equalsIgnoreCase("Partitions")
                && !parts[n - 3].isEmpty()) {
            String entity = join(parts, n - 4);
            return entity.isEmpty() ? Optional.empty()
                    : Optional.of(new Partition(entity, parts[n - 3], parts[n - 1]));
        }
        return Optional.empty();
    }

    private static String join(String[] parts, int count) {
        return String.join("/", java.util.Arrays.copyOf(parts, count));
    }
}
