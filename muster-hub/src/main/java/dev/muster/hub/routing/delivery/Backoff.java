package dev.muster.hub.routing.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential back-off with jitter: before attempt n+1 after n failures, {@code initial · 2^(n-1)} capped at
 * {@code max}, then drawn uniformly from its upper half, so endpoints that failed together (a webhook behind one
 * load balancer, every node at once) do not come back in lock-step, and the wait never falls below half the step.
 *
 * @param random numbers in [0, 1); tests pass a fixed one
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier random) {
    /** 1 s doubling to 5 min: 8 attempts span about 4 minutes, IoT Hub's order of retry for custom endpoints. */
    public static Backoff standard() {
        return new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), () -> ThreadLocalRandom.current().nextDouble());
    }

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < initial <= max, not " + initial + " and " + max);
        }
    }

    /** @param failures how many attempts failed so far, at least 1 */
    public Duration delay(int failures) {
        long step = initial.toMillis();
        for (int i = 1; i < failures && step < max.toMillis(); i++) {
            step *= 2;
        }
        step = Math.min(step, max.toMillis());
        double r = Math.min(Math.max(random.getAsDouble(), 0.0), 1.0);
        return Duration.ofMillis(Math.round(step / 2.0 + step / 2.0 * r));
    }
}
