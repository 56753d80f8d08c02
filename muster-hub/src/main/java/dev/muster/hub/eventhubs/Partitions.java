package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.EventStream;

/** Partition ids as clients name them: "0" to "n-1". */
final class Partitions {
    private Partitions() {}

    /**
     * @throws EventHubsError {@code com.microsoft:argument-out-of-range} for an id the stream does not have, as Event
     *     Hubs answers (its .NET live tests expect ArgumentOutOfRangeException for partition "-1")
     */
    static int parse(String id, EventStream stream) {
        int p;
        try {
            p = id == null ? -1 : Integer.parseInt(id.strip());
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p >= stream.partitionCount()) {
            throw new EventHubsError(EventHubsError.ARGUMENT_OUT_OF_RANGE, "The specified partition '" + id
                    + "' is invalid for an EventHub partition sender or receiver. It should be between 0 and "
                    + (stream.partitionCount() - 1) + ".");
        }
        return p;
    }
}
