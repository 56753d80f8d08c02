package dev.muster.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.instance.ProvisioningInstance;
import dev.muster.core.instance.SharedAccessPolicy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Provisioning instances. Names and ID scopes match exactly; service host names case-insensitively, as DNS does. */
final class JdbcInstanceStore implements InstanceStore {
    private static final TypeReference<List<SharedAccessPolicy>> POLICIES = new TypeReference<>() {};
    private static final String COLUMNS = "SELECT name, id_scope, service_host_name, allocation_policy, policies FROM instances";

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
                        + " allocation_policy, policies) VALUES (?, ?, ?, ?, ?, ?)",
                instance.name(), instance.idScope(), Documents.key(instance.serviceHostName()), instance.serviceHostName(),
                instance.allocationPolicy(), Documents.writeSealed(box, instance.policies()));
    }

    private ProvisioningInstance instance(ResultSet row) throws SQLException {
        return new ProvisioningInstance(row.getString("name"), row.getString("id_scope"),
                row.getString("service_host_name"), row.getString("allocation_policy"),
                Documents.readSealed(box, row.getString("policies"), POLICIES));
    }
}
