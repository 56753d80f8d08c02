package dev.muster.store;

import dev.muster.core.device.DeviceRegistrationState;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.registration.RegistrationOperation;
import dev.muster.core.registration.RegistrationOperationStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Register attempts by operation ID. {@code createdAt} is kept to the microsecond, the finest both databases store.
 */
final class JdbcOperationStore implements OperationStore {
    private static final String COLUMNS =
            "SELECT operation_id, registration_id, failure_detail, result, created_at FROM operations";

    private final Jdbc jdbc;

    JdbcOperationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void saveOperation(String instance, RegistrationOperation operation) {
        String id = Objects.requireNonNull(operation.operationId(), "operationId");
        String registrationKey = Documents.key(Objects.requireNonNull(operation.registrationId(), "registrationId"));
        RegistrationOperationStatus result = operation.result();
        String status = result == null ? null : result.status();
        boolean failed = isFailure(operation);
        String resultDoc = Documents.write(result);
        Instant createdAt = Objects.requireNonNull(operation.createdAt(), "createdAt");
        jdbc.insertOrUpdate("INSERT INTO operations (instance, operation_id, registration_key, registration_id, status,"
                        + " failed, failure_detail, result, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                new Object[] {instance, id, registrationKey, operation.registrationId(), status, failed,
                        operation.failureDetail(), resultDoc, createdAt},
                "UPDATE operations SET registration_key = ?, registration_id = ?, status = ?, failed = ?,"
                        + " failure_detail = ?, result = ?, created_at = ? WHERE instance = ? AND operation_id = ?",
                new Object[] {registrationKey, operation.registrationId(), status, failed, operation.failureDetail(),
                        resultDoc, createdAt, instance, id});
    }

    @Override
    public Optional<RegistrationOperation> operation(String instance, String operationId) {
        return jdbc.one(COLUMNS + " WHERE instance = ? AND operation_id = ?", JdbcOperationStore::operation,
                instance, operationId);
    }

    @Override
    public List<RegistrationOperation> failedOperations(String instance, String registrationId, int limit) {
        return jdbc.list(COLUMNS + " WHERE instance = ? AND registration_key = ? AND failed = TRUE"
                        + " ORDER BY created_at DESC, operation_id DESC LIMIT ?", JdbcOperationStore::operation,
                instance, Documents.key(registrationId), Math.max(0, limit));
    }

    @Override
    public List<RegistrationOperation> recentFailures(String instance, int limit) {
        return jdbc.list(COLUMNS + " WHERE instance = ? AND failed = TRUE"
                        + " ORDER BY created_at DESC, operation_id DESC LIMIT ?", JdbcOperationStore::operation,
                instance, Math.max(0, limit));
    }

    /** A refused or failed attempt; "disabled" counts, since the operator wants to see why a device got nowhere. */
    private static boolean isFailure(RegistrationOperation operation) {
        String status = operation.result() == null ? null : operation.result().status();
        return operation.failureDetail() != null
                || DeviceRegistrationState.FAILED.equals(status)
                || DeviceRegistrationState.DISABLED.equals(status);
    }

    private static RegistrationOperation operation(ResultSet row) throws SQLException {
        return new RegistrationOperation(row.getString("operation_id"), row.getString("registration_id"),
                Documents.read(row.getString("result"), RegistrationOperationStatus.class),
                row.getString("failure_detail"), Jdbc.instant(row, "created_at"));
    }
}
