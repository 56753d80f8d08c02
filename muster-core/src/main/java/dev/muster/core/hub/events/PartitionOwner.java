package dev.muster.core.hub.events;

import java.time.Instant;

/**
 * The receiver holding a partition of a consumer group with an owner level (Event Hubs' epoch): a receiver with a
 * lower level is refused, one with a higher or equal level takes the partition over.
 *
 * @param holder names the receiving link (node and link), so the node holding it learns it was taken over
 */
public record PartitionOwner(long ownerLevel, String holder, Instant claimedAt) {}
