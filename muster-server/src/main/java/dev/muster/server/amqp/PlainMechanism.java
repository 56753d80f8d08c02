package dev.muster.server.amqp;

import dev.muster.core.registration.DeviceCredentials;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;

/**
 * SASL PLAIN as the DPS device SDKs use it (symmetric key): authcid {@code {idScope}/registrations/{registrationId}},
 * password = the DPS SAS token. The token is not checked here: every request goes through the registration engine,
 * which answers 401 with Azure's error body, the way DPS does over HTTPS and MQTT.
 */
public final class PlainMechanism implements DeviceSaslMechanism {
    public static final String NAME = "PLAIN";

    public static final Factory FACTORY = new Factory() {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public DeviceSaslMechanism create() {
            return new PlainMechanism();
        }
    };

    @Override
    public Future<Step> start(Peer peer, byte[] initialResponse) {
        // [authzid] NUL authcid NUL passwd (RFC 4616)
        int first = indexOf(initialResponse, 0);
        int second = first < 0 ? -1 : indexOf(initialResponse, first + 1);
        if (second < 0) {
            return Future.succeededFuture(Step.refused("malformed PLAIN response"));
        }
        String authcid = new String(initialResponse, first + 1, second - first - 1, StandardCharsets.UTF_8);
        String password = new String(initialResponse, second + 1, initialResponse.length - second - 1, StandardCharsets.UTF_8);
        DpsLinkAddress device = DpsLinkAddress.parse(authcid);
        if (device == null || authcid.contains("://")) {
            return Future.succeededFuture(Step.refused("PLAIN user name must be {idScope}/registrations/{registrationId}"));
        }
        DeviceCredentials credentials = DeviceCredentials.sas(password.isEmpty() ? null : password);
        return Future.succeededFuture(Step.success(
                new AmqpDeviceIdentity(NAME, device.idScope(), device.registrationId(), credentials)));
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
