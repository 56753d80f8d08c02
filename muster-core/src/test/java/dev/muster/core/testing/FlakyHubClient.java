package dev.muster.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.enrollment.TwinState;
import dev.muster.core.hub.HubClient;
import dev.muster.core.hub.HubDevice;
import dev.muster.core.hub.HubException;
import java.util.Optional;

/** A hub client that passes calls to a real one, except those a test has told it to fail. */
public final class FlakyHubClient implements HubClient {
    private final HubClient delegate;
    private volatile HubException failPutDevice;
    private volatile HubException failPatchTwin;
    private volatile Runnable beforePutDevice;

    public FlakyHubClient(HubClient delegate) {
        this.delegate = delegate;
    }

    /** The hub answers 401/403: it refuses the provisioning service's credentials. */
    public static HubException refused(String host, int status) {
        return new HubException(host, status, "Unauthorized");
    }

    /** The hub cannot be reached at all (status 0). */
    public static HubException unreachable(String host) {
        return new HubException(host, "connect to " + host + ":443 failed", new java.net.ConnectException("refused"));
    }

    public FlakyHubClient failPutDevice(HubException e) {
        this.failPutDevice = e;
        return this;
    }

    /** Runs {@code action} (e.g. another node's concurrent work) just before the next device write. */
    public FlakyHubClient beforePutDevice(Runnable action) {
        this.beforePutDevice = action;
        return this;
    }

    public FlakyHubClient failPatchTwin(HubException e) {
        this.failPatchTwin = e;
        return this;
    }

    @Override
    public String hostName() {
        return delegate.hostName();
    }

    @Override
    public Optional<HubDevice> device(String deviceId) {
        return delegate.device(deviceId);
    }

    @Override
    public HubDevice putDevice(HubDevice device) {
        Runnable action = beforePutDevice;
        if (action != null) {
            beforePutDevice = null;
            action.run();
        }
        if (failPutDevice != null) {
            throw failPutDevice;
        }
        return delegate.putDevice(device);
    }

    @Override
    public void deleteDevice(String deviceId) {
        delegate.deleteDevice(deviceId);
    }

    @Override
    public Optional<ObjectNode> twin(String deviceId) {
        return delegate.twin(deviceId);
    }

    @Override
    public long deviceCount() {
        return delegate.deviceCount();
    }

    @Override
    public void patchTwin(String deviceId, TwinState patch) {
        if (failPatchTwin != null) {
            throw failPatchTwin;
        }
        delegate.patchTwin(deviceId, patch);
    }
}
