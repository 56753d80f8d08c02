package dev.muster.core.allocation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.instance.AllocationPolicy;
import dev.muster.core.instance.LinkedHub;

/**
 * The outcome of choosing a hub.
 *
 * @param hub the chosen linked hub
 * @param policy the policy that chose it
 * @param initialTwin the twin a custom-allocation webhook returned: when not null it replaces the enrollment's
 *                    initial twin (and migrated data) wherever the device is created on a hub; null otherwise
 * @param payload the payload a custom-allocation webhook returned for the device ({@code registrationState.payload}),
 *                always a JSON object; null when there is none
 */
public record Allocation(LinkedHub hub, AllocationPolicy policy, TwinState initialTwin, ObjectNode payload) {

    public static Allocation of(LinkedHub hub, AllocationPolicy policy) {
        return new Allocation(hub, policy, null, null);
    }
}
