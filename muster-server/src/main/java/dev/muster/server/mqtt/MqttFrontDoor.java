package dev.muster.server.mqtt;

import dev.muster.hub.mqtt.HubMqttEndpoint;
import dev.muster.server.device.DpsMqttEndpoint;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.vertx.core.Handler;
import io.vertx.mqtt.MqttEndpoint;

/**
 * Every MQTT connection (8883, or bridged from a WebSocket on 443) enters here: the CONNECT user name says whether
 * it is a device registering with DPS ({@code {idScope}/registrations/{id}/…}) or a device of a hub
 * ({@code {hub}/{deviceId}/?…}).
 */
public final class MqttFrontDoor implements Handler<MqttEndpoint> {
    private final DpsMqttEndpoint dps;
    private final HubMqttEndpoint hub;

    public MqttFrontDoor(DpsMqttEndpoint dps, HubMqttEndpoint hub) {
        this.dps = dps;
        this.hub = hub;
    }

    @Override
    public void handle(MqttEndpoint endpoint) {
        if (endpoint.protocolVersion() != 4) {
            // Azure speaks MQTT 3.1.1 only.
            endpoint.reject(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            return;
        }
        String username = endpoint.auth() == null ? null : endpoint.auth().getUsername();
        DpsMqttEndpoint.DpsUser dpsUser = DpsMqttEndpoint.DpsUser.parse(username);
        if (dpsUser != null) {
            dps.connect(endpoint, dpsUser);
        } else {
            hub.handle(endpoint);
        }
    }
}
