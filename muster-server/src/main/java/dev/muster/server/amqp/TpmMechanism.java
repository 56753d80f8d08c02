package dev.muster.server.amqp;

import dev.muster.core.ProvisioningException;
import dev.muster.core.registration.DeviceCredentials;
import dev.muster.core.registration.RegistrationService;
import dev.muster.transport.Blocking;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The DPS {@code TPM} SASL mechanism (reference §3, §6). The device opens with
 * {@code 0x00 ‖ idScope ‖ 0x00 ‖ registrationId ‖ 0x00 ‖ EK}; the service asks for the SRK with a single {@code 0x00};
 * the device sends {@code 0x00 ‖ SRK}; the service sends the activation blob in two segments, control bytes
 * {@code 0x80} (first) and {@code 0xC1} (last) — the Java SDK accepts exactly these two, the Node and C SDKs any
 * {@code 0x80}… {@code 0xC…} sequence; the device acknowledges the first with {@code 0x00} and answers the last with
 * {@code 0x00 ‖ SAS token} signed by the key it activated. The token is checked before SASL succeeds.
 */
public final class TpmMechanism implements DeviceSaslMechanism {
    public static final String NAME = "TPM";
    private static final byte FIRST_SEGMENT = (byte) 0x80;
    private static final byte LAST_SEGMENT = (byte) 0xC1;

    private final RegistrationService registrations;
    private final Blocking blocking;
    private String idScope;
    private String registrationId;
    private String endorsementKey;
    private String storageRootKey;
    private byte[] lastSegment;
    private int round;

    TpmMechanism(RegistrationService registrations, Blocking blocking) {
        this.registrations = registrations;
        this.blocking = blocking;
    }

    public static Factory factory(RegistrationService registrations, Blocking blocking) {
        return new Factory() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public DeviceSaslMechanism create() {
                return new TpmMechanism(registrations, blocking);
            }
        };
    }

    @Override
    public Future<Step> start(Peer peer, byte[] init) {
        // control byte, then idScope NUL registrationId NUL EK
        int first = indexOf(init, 1);
        int second = first < 0 ? -1 : indexOf(init, first + 1);
        if (init.length < 4 || first < 0 || second < 0 || second + 1 >= init.length) {
            return Future.succeededFuture(Step.refused("malformed TPM init frame"));
        }
        idScope = new String(init, 1, first - 1, StandardCharsets.UTF_8);
        registrationId = new String(init, first + 1, second - first - 1, StandardCharsets.UTF_8);
        endorsementKey = Base64.getEncoder().encodeToString(Arrays.copyOfRange(init, second + 1, init.length));
        return Future.succeededFuture(Step.challenge(new byte[] {0}));
    }

    @Override
    public Future<Step> respond(byte[] response) {
        round++;
        if (response.length < 1) {
            return Future.succeededFuture(Step.refused("empty TPM SASL response"));
        }
        return switch (round) {
            case 1 -> challenge(Arrays.copyOfRange(response, 1, response.length));
            case 2 -> Future.succeededFuture(Step.challenge(lastSegment));
            case 3 -> verify(new String(response, 1, response.length - 1, StandardCharsets.UTF_8));
            default -> Future.succeededFuture(Step.refused("unexpected TPM SASL response"));
        };
    }

    private Future<Step> challenge(byte[] srk) {
        if (srk.length == 0) {
            return Future.succeededFuture(Step.refused("the device sent no storage root key"));
        }
        storageRootKey = Base64.getEncoder().encodeToString(srk);
        return blocking.run(() -> {
            try {
                byte[] blob = Base64.getDecoder().decode(
                        registrations.tpmChallenge(idScope, registrationId, endorsementKey, storageRootKey));
                int half = (blob.length + 1) / 2;
                lastSegment = segment(LAST_SEGMENT, Arrays.copyOfRange(blob, half, blob.length));
                return Step.challenge(segment(FIRST_SEGMENT, Arrays.copyOfRange(blob, 0, half)));
            } catch (ProvisioningException refused) {
                return Step.refused(refused.getMessage());
            }
        });
    }

    private Future<Step> verify(String token) {
        DeviceCredentials credentials = new DeviceCredentials(token, List.of(), endorsementKey, storageRootKey);
        return blocking.run(() -> {
            try {
                registrations.verifyCredentials(idScope, registrationId, credentials);
                return Step.success(new AmqpDeviceIdentity(NAME, idScope, registrationId, credentials));
            } catch (ProvisioningException refused) {
                return Step.refused(refused.getMessage());
            }
        });
    }

    private static byte[] segment(byte control, byte[] data) {
        byte[] out = new byte[data.length + 1];
        out[0] = control;
        System.arraycopy(data, 0, out, 1, data.length);
        return out;
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
