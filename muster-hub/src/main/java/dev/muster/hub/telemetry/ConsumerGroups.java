package dev.muster.hub.telemetry;

import dev.muster.core.hub.events.ConsumerGroup;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.hub.HubError;
import dev.muster.hub.HubErrorCode;
import java.time.Clock;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The consumer groups of a hub's built-in events endpoint, as an operator manages them: named as Event Hubs allows
 * (1 to 50 letters, digits, periods, hyphens and underscores), {@link ConsumerGroup#DEFAULT} always there and never
 * removed. Blocking (the store).
 */
public final class ConsumerGroups {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,50}");

    private final HubEventStore events;
    private final Clock clock;

    public ConsumerGroups(HubEventStore events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    public List<ConsumerGroup> list(String hub) {
        return events.consumerGroups(hub);
    }

    public ConsumerGroup get(String hub, String name) {
        return events.consumerGroups(hub).stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> notFound(hub, name));
    }

    /** Adds the group, or answers the one of that name already there (ARM's PUT is idempotent). */
    public ConsumerGroup add(String hub, String name) {
        if (!ConsumerGroup.DEFAULT.equals(name) && !NAME.matcher(name == null ? "" : name).matches()) {
            throw HubError.argumentInvalid("A consumer group's name is 1 to 50 letters, digits, periods, hyphens or"
                    + " underscores, not '" + name + "'.");
        }
        events.addConsumerGroup(hub, new ConsumerGroup(name, clock.instant()));
        return get(hub, name);
    }

    public void remove(String hub, String name) {
        if (ConsumerGroup.DEFAULT.equals(name)) {
            throw HubError.argumentInvalid("The consumer group " + ConsumerGroup.DEFAULT + " cannot be deleted.");
        }
        if (!events.removeConsumerGroup(hub, name)) {
            throw notFound(hub, name);
        }
    }

    private static HubError notFound(String hub, String name) {
        return new HubError(HubErrorCode.CONSUMER_GROUP_NOT_FOUND, "The events endpoint of " + hub
                + " has no consumer group '" + name + "'.");
    }
}
