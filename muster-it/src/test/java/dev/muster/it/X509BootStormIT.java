package dev.muster.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.sdk.iot.provisioning.service.configs.EnrollmentGroup;
import com.microsoft.azure.sdk.iot.provisioning.service.configs.X509Attestation;
import dev.muster.core.x509.ChainVerifier;
import dev.muster.it.X509Devices.Identity;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A throwaway measurement, not a test: raw HTTPS registrations of many devices of one CA group, each on a fresh TLS
 * connection, with the chain cache off and on. Prints registrations per second; asserts nothing about time.
 * Run with {@code -Dmuster.bench=true} (and {@code -Dmuster.bench.devices=N}).
 */
class X509BootStormIT {

    @Test
    void registrationsPerSecondWithAndWithoutTheChainCache() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("muster.bench"), "set -Dmuster.bench=true to measure");
        int n = Integer.getInteger("muster.bench.devices", 200);
        Identity root = X509Devices.root("Storm Root " + UUID.randomUUID());
        Identity intermediate = root.issueCa("Storm Intermediate");
        String name = "storm-" + UUID.randomUUID().toString().substring(0, 6);
        X509ProvisioningIT.uploadVerified(name, root);
        String groupId = "storm-" + UUID.randomUUID().toString().substring(0, 6);
        ServiceClients.dps().createOrUpdateEnrollmentGroup(new EnrollmentGroup(groupId,
                X509Attestation.createFromCAReferences(name)));
        ChainVerifier chains = MusterUnderTest.server().chainVerifier();
        System.out.println("BoringSSL (netty-tcnative) available: " + OpenSSLEngineOptions.isAvailable());
        // Warm up the JIT and the connection path.
        run(prepare(intermediate, groupId + "-warm", 30));
        for (boolean cache : new boolean[] {false, true, false, true}) {
            List<Device> devices = prepare(intermediate, groupId + (cache ? "-c" : "-n") + UUID.randomUUID()
                    .toString().substring(0, 4), n);
            chains.setCacheEnabled(cache);
            long hits = chains.cacheHits();
            long misses = chains.cacheMisses();
            long t0 = System.nanoTime();
            run(devices);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("X.509 boot storm: %d devices, chain cache %s: %.1f registrations/s (%.1f ms each),"
                            + " cache hits %d, misses %d%n", n, cache ? "on " : "off", n / seconds, seconds * 1000 / n,
                    chains.cacheHits() - hits, chains.cacheMisses() - misses);
        }
        chains.setCacheEnabled(true);
    }

    private record Device(Identity identity, SSLContext ssl) {}

    private static List<Device> prepare(Identity ca, String prefix, int n) {
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Identity d = ca.issueDevice(prefix + "-" + i);
            out.add(new Device(d, X509Devices.sslContext(d)));
        }
        return out;
    }

    private static void run(List<Device> devices) throws Exception {
        for (Device d : devices) {
            HttpResponse<String> r = X509Devices.rawRegister(d.ssl(), d.identity().cn());
            assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
        }
    }
}
