package dev.muster.core.instance;

import dev.muster.core.Ids;
import dev.muster.core.ProvisioningException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An instance's shared access policies: create or replace, delete, regenerate a key. Every change is one atomic
 * update of the instance, and none may leave the instance without a policy that holds ServiceConfig (no one could
 * manage it any more).
 */
public final class PolicyService {
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final int MAX_POLICIES = 16;

    private final InstanceStore instances;

    public PolicyService(InstanceStore instances) {
        this.instances = instances;
    }

    /** Result of a create-or-replace. */
    public record Written(SharedAccessPolicy policy, boolean created) {}

    public SharedAccessPolicy policy(ProvisioningInstance instance, String keyName) {
        return instance.policy(keyName).orElseThrow(() -> notFound(keyName));
    }

    /**
     * @param primaryKey   null keeps the existing key, or generates one for a new policy
     * @param secondaryKey likewise
     */
    public Written put(String instance, String keyName, Set<AccessRight> rights, String primaryKey,
                       String secondaryKey) {
        if (keyName == null || !KEY_NAME.matcher(keyName).matches()) {
            throw ProvisioningException.badRequest("A policy name is 1 to 64 letters, digits, '.', '_' or '-'.");
        }
        if (rights == null || rights.isEmpty()) {
            throw ProvisioningException.badRequest("A policy needs at least one right: " + allRights() + ".");
        }
        requireKey(primaryKey, "primaryKey");
        requireKey(secondaryKey, "secondaryKey");
        boolean[] created = new boolean[1];
        ProvisioningInstance updated = update(instance, current -> {
            List<SharedAccessPolicy> policies = new ArrayList<>(current.policies());
            SharedAccessPolicy existing = current.policy(keyName).orElse(null);
            created[0] = existing == null;
            if (existing == null && policies.size() >= MAX_POLICIES) {
                throw ProvisioningException.badRequest("An instance holds at most " + MAX_POLICIES + " policies.");
            }
            SharedAccessPolicy next = new SharedAccessPolicy(existing == null ? keyName : existing.keyName(),
                    primaryKey != null ? primaryKey : existing != null ? existing.primaryKey() : Ids.policyKey(),
                    secondaryKey != null ? secondaryKey : existing != null ? existing.secondaryKey() : Ids.policyKey(),
                    EnumSet.copyOf(rights));
            policies.removeIf(p -> p.keyName().equalsIgnoreCase(keyName));
            policies.add(next);
            return current.withPolicies(requireManageable(policies));
        });
        return new Written(updated.policy(keyName).orElseThrow(), created[0]);
    }

    public void delete(String instance, String keyName) {
        update(instance, current -> {
            List<SharedAccessPolicy> policies = new ArrayList<>(current.policies());
            if (!policies.removeIf(p -> p.keyName().equalsIgnoreCase(keyName))) {
                throw notFound(keyName);
            }
            return current.withPolicies(requireManageable(policies));
        });
    }

    /** @param keyType {@code primary} or {@code secondary} (case-insensitive) */
    public SharedAccessPolicy regenerateKey(String instance, String keyName, String keyType) {
        String type = keyType == null ? "" : keyType.strip().toLowerCase(Locale.ROOT);
        if (!type.equals("primary") && !type.equals("secondary")) {
            throw ProvisioningException.badRequest("keyType must be \"primary\" or \"secondary\".");
        }
        String fresh = Ids.policyKey();
        ProvisioningInstance updated = update(instance, current -> {
            SharedAccessPolicy p = current.policy(keyName).orElseThrow(() -> notFound(keyName));
            SharedAccessPolicy next = type.equals("primary")
                    ? new SharedAccessPolicy(p.keyName(), fresh, p.secondaryKey(), p.rights())
                    : new SharedAccessPolicy(p.keyName(), p.primaryKey(), fresh, p.rights());
            List<SharedAccessPolicy> policies = new ArrayList<>(current.policies());
            policies.replaceAll(q -> q.keyName().equalsIgnoreCase(keyName) ? next : q);
            return current.withPolicies(policies);
        });
        return updated.policy(keyName).orElseThrow();
    }

    /**
     * Rights as Azure writes them ({@code "EnrollmentRead, EnrollmentWrite"}, case-insensitive) or as a list of
     * names.
     */
    public static Set<AccessRight> parseRights(Collection<String> names) {
        Set<AccessRight> out = EnumSet.noneOf(AccessRight.class);
        for (String raw : names) {
            String n = raw.strip();
            if (n.isEmpty()) {
                continue;
            }
            out.add(java.util.Arrays.stream(AccessRight.values()).filter(r -> r.name().equalsIgnoreCase(n)).findFirst()
                    .orElseThrow(() -> ProvisioningException.badRequest("Unknown right '" + n + "'; the rights are "
                            + allRights() + ".")));
        }
        return out;
    }

    public static Set<AccessRight> parseRights(String commaSeparated) {
        return parseRights(List.of(commaSeparated.split(",")));
    }

    /** Azure's spelling: rights in declaration order, comma and space separated. */
    public static String formatRights(Set<AccessRight> rights) {
        return String.join(", ", EnumSet.copyOf(rights).stream().map(Enum::name).toList());
    }

    private static String allRights() {
        return formatRights(EnumSet.allOf(AccessRight.class));
    }

    private ProvisioningInstance update(String instance, java.util.function.UnaryOperator<ProvisioningInstance> change) {
        return instances.updateInstance(instance, change).orElseThrow(() -> ProvisioningException.notFound(404000,
                "No provisioning service instance '" + instance + "'."));
    }

    private static List<SharedAccessPolicy> requireManageable(List<SharedAccessPolicy> policies) {
        if (policies.stream().noneMatch(p -> p.rights().contains(AccessRight.ServiceConfig))) {
            throw ProvisioningException.badRequest("This change would leave the instance without a policy that has"
                    + " the ServiceConfig right; no one could manage it any more.");
        }
        return policies;
    }

    private static void requireKey(String key, String field) {
        if (key == null) {
            return;
        }
        try {
            byte[] raw = java.util.Base64.getDecoder().decode(key);
            if (raw.length < 16 || raw.length > 64) {
                throw ProvisioningException.badRequest(field + " must be base64 of 16 to 64 bytes.");
            }
        } catch (IllegalArgumentException e) {
            throw ProvisioningException.badRequest(field + " must be base64 of 16 to 64 bytes.");
        }
    }

    private static ProvisioningException notFound(String keyName) {
        return ProvisioningException.notFound(404000, "No shared access policy '" + keyName + "' in this instance.");
    }
}
