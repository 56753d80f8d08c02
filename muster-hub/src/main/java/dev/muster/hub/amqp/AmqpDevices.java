package dev.muster.hub.amqp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ConnectionKey;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.TwinListener;
import dev.muster.hub.c2d.CloudToDeviceListener;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.hub.methods.MethodChannel;
import dev.muster.hub.methods.MethodChannels;
import dev.muster.transport.Blocking;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Devices connected to this node's hubs over AMQP (reference §5), across all their connections: where to hand a
 * device's cloud-to-device messages, its direct methods and its desired-property changes. Each connection keeps its
 * own devices ({@link DeviceSessions}); their links register here while open. Listeners are called on any thread and
 * hop to the link's connection.
 */
public final class AmqpDevices implements TwinListener, MethodChannels, CloudToDeviceListener {
    /** What device links use: the hub's registry, twins and telemetry, live state, the C2D queues, a worker pool. */
    public record Options(BuiltInHub hub, LiveDevices live, CloudToDeviceQueue cloudToDevice, Blocking blocking,
                          Clock clock) {}

    private final Options options;
    /** The newest receiver link of each queue: a device reconnecting gets its messages on the new one. */
    private final Map<DeviceQueue, DeviceCloudToDeviceLink> cloudToDevice = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, DeviceMethodLinks> methods = new ConcurrentHashMap<>();
    private final Map<ConnectionKey, Set<DeviceTwinLinks>> desired = new ConcurrentHashMap<>();

    public AmqpDevices(Options options) {
        this.options = options;
        options.hub().twins().addTwinListener(this);
        options.live().methods().addTransport(this);
        options.cloudToDevice().addListener(this);
    }

    Options options() {
        return options;
    }

    void cloudToDeviceOpened(DeviceCloudToDeviceLink link) {
        cloudToDevice.put(link.queue(), link);
    }

    void cloudToDeviceClosed(DeviceCloudToDeviceLink link) {
        cloudToDevice.remove(link.queue(), link);
    }

    void methodsOpened(ConnectionKey key, DeviceMethodLinks links) {
        methods.put(key, links);
    }

    void methodsClosed(ConnectionKey key, DeviceMethodLinks links) {
        methods.remove(key, links);
    }

    /** Whether {@code links} wants the device's desired-property changes pushed. */
    void desiredSubscription(ConnectionKey key, DeviceTwinLinks links, boolean subscribed) {
        if (subscribed) {
            desired.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(links);
        } else {
            desired.computeIfPresent(key, (k, set) -> {
                set.remove(links);
                return set.isEmpty() ? null : set;
            });
        }
    }

    @Override
    public void messageAvailable(DeviceQueue queue) {
        DeviceCloudToDeviceLink link = cloudToDevice.get(queue);
        if (link != null) {
            link.available();
        }
    }

    @Override
    public Optional<MethodChannel> channel(ConnectionKey key) {
        DeviceMethodLinks links = methods.get(key);
        if (links == null || !links.takesMethods()) {
            return Optional.empty();
        }
        return Optional.of(links::send);
    }

    @Override
    public void desiredChanged(String hub, String deviceId, ObjectNode patch) {
        push(ConnectionKey.device(hub, deviceId), patch);
    }

    @Override
    public void moduleDesiredChanged(String hub, String deviceId, String moduleId, ObjectNode patch) {
        push(new ConnectionKey(hub, deviceId, moduleId), patch);
    }

    private void push(ConnectionKey key, ObjectNode patch) {
        for (DeviceTwinLinks links : desired.getOrDefault(key, Set.of())) {
            links.pushLater(patch);
        }
    }
}
