package dev.muster.hub.c2d;

import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.DeviceQueue;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubModule;
import dev.muster.hub.DeviceView;
import java.util.List;
import java.util.Map;

/**
 * Shows each device with {@code cloudToDeviceMessageCount} = the messages waiting in its queue (locked ones
 * included), on top of another view (connection state): the registry's GET, its lists and its queries alike, a page
 * of devices in one read.
 */
public final class QueuedMessageCounts implements DeviceView {
    private final CloudToDeviceStore store;
    private final DeviceView under;

    public QueuedMessageCounts(CloudToDeviceStore store, DeviceView under) {
        this.store = store;
        this.under = under;
    }

    @Override
    public HubDevice present(String hub, HubDevice stored) {
        return under.present(hub, stored).withCloudToDeviceMessageCount(store.depth(DeviceQueue.device(hub,
                stored.deviceId())));
    }

    @Override
    public List<HubDevice> presentAll(String hub, List<HubDevice> stored) {
        Map<String, Integer> depths = store.deviceDepths(hub, stored.stream().map(HubDevice::deviceId).toList());
        return under.presentAll(hub, stored).stream()
                .map(d -> d.withCloudToDeviceMessageCount(depths.getOrDefault(d.deviceId(), 0))).toList();
    }

    /** Modules have no cloud-to-device messages in IoT Hub; their count stays as stored (0). */
    @Override
    public HubModule presentModule(String hub, HubModule stored) {
        return under.presentModule(hub, stored);
    }
}
