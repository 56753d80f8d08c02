package dev.muster.core.instance;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

public record SharedAccessPolicy(String keyName, String primaryKey, String secondaryKey, Set<AccessRight> rights) {
    public static final String OWNER = "provisioningserviceowner";

    public static SharedAccessPolicy owner(String primaryKey, String secondaryKey) {
        return new SharedAccessPolicy(OWNER, primaryKey, secondaryKey, EnumSet.allOf(AccessRight.class));
    }

    public List<String> keys() {
        return secondaryKey == null ? List.of(primaryKey) : List.of(primaryKey, secondaryKey);
    }
}
