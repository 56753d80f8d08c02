package dev.muster.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.Quotas;
import dev.muster.core.instance.SharedAccessPolicy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Provisioning instances. Names and ID scopes match exactly; service host names case-insensitively, as DNS does.
 * Changes are optimistic: an update only lands on the revision it was computed from, else it is recomputed.
 */
final class JdbcInstanceStore implements InstanceStore {
    private static final TypeReference<List<SharedAccessPolicy>> POLICIES = new TypeReference<>() {};
    private static final String COLUMNS = "SELECT name, id_scope, service_host_name, allocation_policy, policies, quotas,"
            + " revision FROM instances";
    private static final int UPDATE_ATTEMPTS = 16;
    /** Every table holding an instance's data, children first. */
    private static final List<String> INSTANCE_TABLES = List.of("operations", "registrations", "enrollment_tags", "enrollments",
            "enrollment_groups", "linked_hubs", "ca_certificates", "usage_counts", "failure_counts", "quota_counts");

    private record Revisioned(ProvisioningInstance instance, long revision) {}

    private final Jdbc jdbc;
    private final SecretBox box;

    /** Policies carry keys: sealed. */
    JdbcInstanceStore(Jdbc jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    @Override
    public List<ProvisioningInstance> listInstances() {
        return jdbc.list(COLUMNS + " ORDER BY name", this::instance);
    }

    @Override
    public Optional<ProvisioningInstance> instanceByName(String name) {
        return jdbc.one(COLUMNS + " WHERE name = ?", this::instance, name);
    }

    @Override
    public Optional<ProvisioningInstance> instanceByIdScope(String idScope) {
        return jdbc.one(COLUMNS + " WHERE id_scope = ?", this::instance, idScope);
    }

    @Override
    public Optional<ProvisioningInstance> instanceByServiceHost(String hostName) {
        return jdbc.one(COLUMNS + " WHERE service_host_key = ?", this::instance, Documents.key(hostName));
    }

    @Override
    public boolean createInstance(ProvisioningInstance instance) {
        Objects.requireNonNull(instance.name(), "instance name");
        return jdbc.insertIfAbsent("INSERT INTO instances (name, id_scope, service_host_key, service_host_name,"
                        + " allocation_policy, policies, quotas) VALUES (?, ?, ?, ?, ?, ?, ?)",
                instance.name(), instance.idScope(), Documents.key(instance.serviceHostName()), instance.serviceHostName(),
                instance.allocationPolicy(), Documents.writeSealed(box, instance.policies()), quotas(instance.quotas()));
    }

    @Override
    public Optional<ProvisioningInstance> updateInstance(String name, UnaryOperator<ProvisioningInstance> change) {
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            Optional<Revisioned> current = jdbc.one(COLUMNS + " WHERE name = ?",
                    row -> new Revisioned(instance(row), row.getLong("revision")), name);
            if (current.isEmpty()) {
                return Optional.empty();
            }
            ProvisioningInstance before = current.get().instance();
            ProvisioningInstance changed = change.apply(before);
            ProvisioningInstance next = new ProvisioningInstance(before.name(), before.idScope(),
                    before.serviceHostName(), changed.allocationPolicy(), changed.policies(), changed.quotas());
            int updated = jdbc.update("UPDATE instances SET allocation_policy = ?, policies = ?, quotas = ?,"
                            + " revision = revision + 1 WHERE name = ? AND revision = ?",
                    next.allocationPolicy(), Documents.writeSealed(box, next.policies()), quotas(next.quotas()), name,
                    current.get().revision());
            if (updated == 1) {
                return Optional.of(next);
            }
        }
        throw new StoreException("Instance '" + name + "' kept changing concurrently while updating it; retry.");
    }

    @Override
    public boolean deleteInstance(String name) {
        return jdbc.transaction(c -> {
            for (String table : INSTANCE_TABLES) {
                Jdbc.update(c, "DELETE FROM " + table + " WHERE instance = ?", name);
            }
            return Jdbc.update(c, "DELETE FROM instances WHERE name = ?", name) == 1;
        }, false);
    }

    private static String quotas(Quotas quotas) {
        return quotas == null || quotas.equals(Quotas.NONE) ? null : Documents.write(quotas);
    }

    private ProvisioningInstance instance(ResultSet row) throws SQLException {
        String quotas = row.getString("quotas");
        return new ProvisioningInstance(row.getString("name"), row.getString("id_scope"),
                row.getString("service_host_name"), row.getString("allocation_policy"),
                Documents.readSealed(box, row.getString("policies"), POLICIES),
                quotas == null ? Quotas.NONE : Documents.read(quotas, Quotas.class));
    }
}
