package dev.muster.core.issuance;

import java.security.PublicKey;

/** What {@link CsrCheck} decided about one certificate signing request. */
public sealed interface CsrVerdict {

    /** The request proved possession of its key, names the registration and asks for nothing a policy forbids. */
    record Accepted(PublicKey publicKey, KeyType keyType) implements CsrVerdict {}

    /**
     * Refused: no certificate is issued.
     *
     * @param reason for operators (registration record, live view); the device never sees it
     * @param errorCode the DPS error code the device gets with a 400 (see {@link CsrCheck#CSR_REFUSED})
     * @param deviceMessage what the device is told, in Azure's error body
     */
    record Refused(String reason, int errorCode, String deviceMessage) implements CsrVerdict {}
}
