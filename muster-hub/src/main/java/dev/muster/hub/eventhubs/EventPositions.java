package dev.muster.hub.eventhubs;

import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.events.PartitionState;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * Reads a receiver's start position from its source filter and resolves it against the partition. The filter is the
 * map entry {@code apache.org:selector-filter:string} whose described value (Java: symbol descriptor; JS: the numeric
 * code 0x468C00000004) is {@code amqp.annotation.x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time >[=] 'v'}.
 */
final class EventPositions {
    static final Symbol SELECTOR = Symbol.valueOf("apache.org:selector-filter:string");
    private static final Pattern EXPRESSION = Pattern.compile(
            "\\s*amqp\\.annotation\\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\\s*(>=?)\\s*'([^']*)'\\s*",
            Pattern.CASE_INSENSITIVE);
    static final String EARLIEST_OFFSET = "-1";
    static final String LATEST_OFFSET = "@latest";

    private EventPositions() {}

    /** No filter at all starts at the first retained event (unconfirmed: Azure's default without a filter). */
    static StartPosition fromFilter(Map<?, ?> filter) {
        if (filter == null || filter.isEmpty()) {
            return new StartPosition.Earliest();
        }
        Object value = filter.get(SELECTOR);
        if (value == null) {
            value = filter.get(SELECTOR.toString());
        }
        if (value instanceof DescribedType d) {
            value = d.getDescribed();
        }
        if (!(value instanceof String expression)) {
            throw EventHubsError.argument("The receiver's filter has no '" + SELECTOR + "' string expression.");
        }
        return parse(expression);
    }

    static StartPosition parse(String expression) {
        Matcher m = EXPRESSION.matcher(expression);
        if (!m.matches()) {
            throw EventHubsError.argument("The filter expression '" + expression + "' is not supported; use "
                    + "amqp.annotation.x-opt-offset, x-opt-sequence-number or x-opt-enqueued-time with > or >=.");
        }
        String name = m.group(1).toLowerCase(java.util.Locale.ROOT);
        boolean inclusive = m.group(2).equals(">=");
        String v = m.group(3).strip();
        if (name.equals("x-opt-offset")) {
            if (v.equals(EARLIEST_OFFSET)) {
                return new StartPosition.Earliest();
            }
            if (v.equalsIgnoreCase(LATEST_OFFSET)) {
                return new StartPosition.Latest();
            }
            return new StartPosition.Sequence(number(v, "offset"), inclusive);
        }
        if (name.equals("x-opt-sequence-number")) {
            return new StartPosition.Sequence(number(v, "sequence number"), inclusive);
        }
        return new StartPosition.EnqueuedTime(Instant.ofEpochMilli(number(v, "enqueued time")), inclusive);
    }

    private static long number(String v, String what) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw EventHubsError.argument("The supplied " + what + " '" + v + "' is invalid.");
        }
    }

    /**
     * The sequence number of the first event to deliver. A position before the first retained event starts there
     * (retention removed what it named), as Event Hubs does; a sequence number or offset beyond the next one is
     * refused as Event Hubs refuses it ({@code com.microsoft:argument-error}, "The supplied sequence number ... is
     * invalid").
     */
    static long resolve(StartPosition position, HubEventStore store, String hub, PartitionState state) {
        if (position instanceof StartPosition.Earliest) {
            return state.beginSequence();
        }
        if (position instanceof StartPosition.Latest) {
            return state.nextSequence();
        }
        if (position instanceof StartPosition.Sequence s) {
            long first = s.inclusive() ? s.sequence() : s.sequence() + 1;
            if (first > state.nextSequence()) {
                throw EventHubsError.argument("The supplied sequence number '" + s.sequence()
                        + "' is invalid. The last sequence number in the system is '" + state.lastSequence() + "'.");
            }
            return Math.max(first, state.beginSequence());
        }
        StartPosition.EnqueuedTime t = (StartPosition.EnqueuedTime) position;
        // Clients send milliseconds; "after" excludes every event within that millisecond.
        Instant from = t.inclusive() ? t.time() : t.time().plusMillis(1);
        return Math.max(store.firstSequenceEnqueuedAtOrAfter(hub, state.partition(), from), state.beginSequence());
    }
}
