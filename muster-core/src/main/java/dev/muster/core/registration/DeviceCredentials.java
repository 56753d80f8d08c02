package dev.muster.core.registration;

import java.security.cert.X509Certificate;
import java.util.List;

/** What a device presented: a SAS token (symmetric key, TPM after the challenge) and/or a TLS client chain. */
public record DeviceCredentials(String sasToken, List<X509Certificate> clientChain) {
    public static DeviceCredentials sas(String token) {
        return new DeviceCredentials(token, List.of());
    }
}
