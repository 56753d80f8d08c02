package dev.muster.hub.c2d;

import dev.muster.core.hub.FeedbackRecord;
import java.util.List;

/** Feedback records locked together for one delivery to a service; settled together under {@code lockToken}. */
public record FeedbackBatch(String hub, String lockToken, List<FeedbackRecord> records) {
}
