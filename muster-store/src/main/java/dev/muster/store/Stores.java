package dev.muster.store;

import dev.muster.core.device.DeviceClaimStore;
import dev.muster.core.device.RegistrationStore;
import dev.muster.core.enrollment.EnrollmentStore;
import dev.muster.core.hub.CloudToDeviceStore;
import dev.muster.core.hub.ConnectionStore;
import dev.muster.core.hub.DesiredChangeLog;
import dev.muster.core.hub.HubStore;
import dev.muster.core.hub.events.HubEventStore;
import dev.muster.core.hub.routing.RoutingStore;
import dev.muster.core.hub.routing.EndpointOutbox;
import dev.muster.core.instance.InstanceStore;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.instance.LinkedHubStore;
import dev.muster.core.operations.QuotaStore;
import dev.muster.core.operations.UsageStore;
import dev.muster.core.registration.OperationStore;
import dev.muster.core.x509.CertificateStore;
import javax.sql.DataSource;

/**
 * Every core store on one {@link Database}, each the class that owns its tables, so a service is handed exactly the
 * stores it uses. All of them fail with {@link StoreException}.
 */
public record Stores(InstanceStore instances, EnrollmentStore enrollments, RegistrationStore registrations,
                     OperationStore operations, LinkedHubStore linkedHubs, UsageStore usage, HubStore hubs,
                     CertificateStore certificates, QuotaStore quotas, DesiredChangeLog desiredChanges,
                     DeviceClaimStore deviceClaims, CloudToDeviceStore cloudToDevice,
                     ConnectionStore connections, HubEventStore events, RoutingStore routing,
                     EndpointOutbox endpointOutbox, IssuanceStore issuance) {

    /** With a throw-away secret key: for tests, never for a database that outlives these stores. */
    public static Stores open(Database database) {
        return open(database, SecretBox.ephemeral());
    }

    /**
     * @param database opened, so its schema is current (see {@link Database#open})
     * @param secrets seals keys and connection strings at rest (see {@link SecretBox#forDataDir})
     */
    public static Stores open(Database database, SecretBox secrets) {
        return on(database.dataSource(), secrets);
    }

    /** On a pool that is already migrated (tests wrap the pool to watch its statements). */
    static Stores on(DataSource dataSource, SecretBox secrets) {
        Jdbc jdbc = new Jdbc(dataSource);
        return new Stores(new JdbcInstanceStore(jdbc, secrets), new JdbcEnrollmentStore(jdbc, secrets),
                new JdbcRegistrationStore(jdbc), new JdbcOperationStore(jdbc), new JdbcLinkedHubStore(jdbc, secrets),
                new JdbcUsageStore(jdbc), new JdbcHubStore(jdbc, secrets), new JdbcCertificateStore(jdbc),
                new JdbcQuotaStore(jdbc), new JdbcDesiredChangeLog(jdbc), new JdbcDeviceClaimStore(jdbc),
                new JdbcCloudToDeviceStore(jdbc), new JdbcConnectionStore(jdbc),
                new JdbcHubEventStore(jdbc), new JdbcRoutingStore(jdbc, secrets), new JdbcEndpointOutbox(jdbc),
                new JdbcIssuanceStore(jdbc, secrets));
    }
}
