package dev.muster.core.instance;

import dev.muster.core.ProvisioningException;
import dev.muster.core.sas.SasToken;
import dev.muster.core.sas.SasVerifier;
import java.util.Optional;

/**
 * Checks a service API caller's SAS token (reference §4.3) against the instance's shared access policies and
 * the right the call needs.
 */
public final class ServiceAuthorizer {
    private final SasVerifier verifier;

    public ServiceAuthorizer(SasVerifier verifier) {
        this.verifier = verifier;
    }

    public SharedAccessPolicy authorize(ProvisioningInstance instance, String authorization, AccessRight needed) {
        SharedAccessPolicy policy = authenticate(instance, authorization);
        requireRight(policy, needed);
        return policy;
    }

    /** 403 (errorCode 403002) unless the policy holds {@code needed}. */
    public static void requireRight(SharedAccessPolicy policy, AccessRight needed) {
        if (!policy.rights().contains(needed)) {
            throw new ProvisioningException(403, 403002, "Shared access policy '" + policy.keyName()
                    + "' lacks the " + needed + " right this call needs.");
        }
    }

    /** The caller's policy if the token is valid for this instance, whatever its rights. */
    public SharedAccessPolicy authenticate(ProvisioningInstance instance, String authorization) {
        SasToken token = SasToken.parse(authorization).orElseThrow(() -> new ProvisioningException(401, 401002,
                "Missing or malformed Authorization header: expected 'SharedAccessSignature sr=…&sig=…&se=…&skn=…'."));
        if (token.keyName() == null) {
            throw new ProvisioningException(401, 401002, "The SAS token has no skn (shared access policy name).");
        }
        Optional<SharedAccessPolicy> policy = instance.policy(token.keyName());
        if (policy.isEmpty()) {
            throw new ProvisioningException(401, 401002, "Unknown shared access policy '" + token.keyName() + "'.");
        }
        SasVerifier.Result r = verifier.verify(token, instance.serviceHostName(), policy.get().keys());
        switch (r) {
            case VALID -> { }
            case EXPIRED -> throw new ProvisioningException(401, 401002, "The SAS token has expired.");
            case WRONG_RESOURCE -> throw new ProvisioningException(401, 401002,
                    "The SAS token's sr does not name this service (" + instance.serviceHostName() + ").");
            default -> throw new ProvisioningException(401, 401002, "The SAS token's signature is invalid.");
        }
        return policy.get();
    }
}
