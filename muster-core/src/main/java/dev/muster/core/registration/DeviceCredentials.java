package dev.muster.core.registration;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a device presented: a SAS token (symmetric key, TPM after the challenge), a TLS client chain, and for TPM
 * devices the base64 TPM2B_PUBLIC of their endorsement and storage root keys from the registration body.
 */
public record DeviceCredentials(String sasToken, List<X509Certificate> clientChain, String tpmEndorsementKey,
                                String tpmStorageRootKey) {

    public DeviceCredentials(String sasToken, List<X509Certificate> clientChain) {
        this(sasToken, clientChain, null, null);
    }

    public static DeviceCredentials sas(String token) {
        return new DeviceCredentials(token, List.of());
    }

    public DeviceCredentials withTpm(String endorsementKey, String storageRootKey) {
        return new DeviceCredentials(sasToken, clientChain, endorsementKey, storageRootKey);
    }
}
