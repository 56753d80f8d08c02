package dev.muster.core.testing;

import dev.muster.core.issuance.CertificatePolicy;
import dev.muster.core.issuance.IssuanceStore;
import dev.muster.core.issuance.IssuedCertificate;
import dev.muster.core.issuance.IssuingCa;
import dev.muster.core.issuance.PublishedCrl;
import dev.muster.core.issuance.Revocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link IssuanceStore} in memory, with the JDBC store's semantics (see the store contract suite). */
public final class InMemoryIssuanceStore implements IssuanceStore {
    private final Map<String, CertificatePolicy> policies = new ConcurrentHashMap<>();
    private final Map<String, IssuingCa> cas = new ConcurrentHashMap<>();
    private final List<Entry> issued = new ArrayList<>();

    private record Entry(String instance, IssuedCertificate certificate) {}

    private static String key(String instance, String name) {
        return instance + "\n" + CertificatePolicy.key(name);
    }

    @Override
    public List<CertificatePolicy> policies(String instance) {
        return policies.entrySet().stream().filter(e -> e.getKey().startsWith(instance + "\n"))
                .map(Map.Entry::getValue).sorted(Comparator.comparing(p -> CertificatePolicy.key(p.name()))).toList();
    }

    @Override
    public Optional<CertificatePolicy> policy(String instance, String name) {
        return Optional.ofNullable(policies.get(key(instance, name)));
    }

    @Override
    public boolean insertPolicy(String instance, CertificatePolicy policy) {
        return policies.putIfAbsent(key(instance, policy.name()), policy) == null;
    }

    @Override
    public Optional<IssuingCa> issuingCa(String instance, String name) {
        return Optional.ofNullable(cas.get(key(instance, name)));
    }

    @Override
    public boolean insertIssuingCa(String instance, IssuingCa ca) {
        return cas.putIfAbsent(key(instance, ca.name()), ca) == null;
    }

    @Override
    public synchronized void recordIssued(String instance, IssuedCertificate certificate) {
        issued.add(new Entry(instance, certificate));
    }

    @Override
    public synchronized List<IssuedCertificate> issuedTo(String instance, String registrationId) {
        return issued.stream().filter(e -> e.instance().equals(instance)
                        && e.certificate().registrationId().equalsIgnoreCase(registrationId))
                .map(Entry::certificate)
                .sorted(Comparator.comparing(IssuedCertificate::issuedAt).reversed()).toList();
    }

    @Override
    public synchronized boolean revoke(String instance, String issuingCa, String serialNumber, Instant at) {
        for (int i = 0; i < issued.size(); i++) {
            Entry e = issued.get(i);
            IssuedCertificate c = e.certificate();
            if (e.instance().equals(instance) && c.issuingCa().equalsIgnoreCase(issuingCa)
                    && c.serialNumber().equalsIgnoreCase(serialNumber) && !c.isRevoked()) {
                issued.set(i, new Entry(instance, new IssuedCertificate(c.registrationId(), c.serialNumber(),
                        c.sha256Thumbprint(), c.notAfter(), c.policyName(), c.issuingCa(), c.issuedAt(), at)));
                return true;
            }
        }
        return false;
    }

    @Override
    public List<IssuingCa> issuingCas(String instance) {
        return cas.entrySet().stream().filter(e -> e.getKey().startsWith(instance + "\n"))
                .sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }

    @Override
    public boolean deleteIssuingCa(String instance, String name) {
        return cas.remove(key(instance, name)) != null;
    }

    // --- CRLs, revocation polling and the expiring-soon count ---

    private final Map<String, PublishedCrl> crls = new ConcurrentHashMap<>();

    @Override
    public synchronized List<IssuedCertificate> revokedBy(String instance, String issuingCa) {
        return issued.stream().filter(e -> e.instance().equals(instance)
                        && e.certificate().issuingCa().equalsIgnoreCase(issuingCa) && e.certificate().isRevoked())
                .map(Entry::certificate).toList();
    }

    @Override
    public int revokedCount(String instance, String issuingCa) {
        return revokedBy(instance, issuingCa).size();
    }

    @Override
    public Optional<PublishedCrl> crl(String instance, String issuingCa) {
        return Optional.ofNullable(crls.get(key(instance, issuingCa)));
    }

    @Override
    public boolean publishCrl(String instance, String issuingCa, long previousNumber, PublishedCrl crl) {
        boolean[] won = {false};
        crls.compute(key(instance, issuingCa), (k, old) -> {
            long stored = old == null ? 0 : old.number();
            won[0] = stored == previousNumber;
            return won[0] ? crl : old;
        });
        return won[0];
    }

    @Override
    public synchronized List<Revocation> revokedSince(Instant since) {
        return issued.stream().filter(e -> e.certificate().isRevoked() && e.certificate().revokedAt().isAfter(since))
                .sorted(Comparator.comparing(e -> e.certificate().revokedAt()))
                .map(e -> new Revocation(e.instance(), e.certificate().issuingCa(), e.certificate().serialNumber(),
                        e.certificate().sha256Thumbprint(), e.certificate().revokedAt())).toList();
    }

    @Override
    public synchronized Map<String, Long> expiringSoon(Instant now, Instant until) {
        Map<String, IssuedCertificate> newest = new java.util.HashMap<>();
        for (Entry e : issued) {
            newest.merge(e.instance() + "\n" + e.certificate().registrationId().toLowerCase(java.util.Locale.ROOT),
                    e.certificate(), (a, b) -> b.issuedAt().isAfter(a.issuedAt()) ? b : a);
        }
        Map<String, Long> counts = new java.util.TreeMap<>();
        newest.forEach((k, c) -> {
            if (!c.isRevoked() && c.notAfter().isAfter(now) && !c.notAfter().isAfter(until)) {
                counts.merge(k.substring(0, k.indexOf('\n')), 1L, Long::sum);
            }
        });
        return counts;
    }

    // ---- operating policies -----------------------------------------------------------------------------------

    @Override
    public boolean replacePolicy(String instance, CertificatePolicy policy, String expectedEtag) {
        CertificatePolicy[] swapped = {null};
        policies.computeIfPresent(key(instance, policy.name()), (k, stored) -> {
            if (!java.util.Objects.equals(stored.etag(), expectedEtag)) {
                return stored;
            }
            swapped[0] = policy;
            return policy;
        });
        return swapped[0] != null;
    }

    @Override
    public boolean deletePolicy(String instance, String name, String expectedEtag) {
        CertificatePolicy stored = policies.get(key(instance, name));
        return stored != null && java.util.Objects.equals(stored.etag(), expectedEtag)
                && policies.remove(key(instance, name), stored);
    }

    @Override
    public synchronized List<IssuedCertificate> issuedUnder(String instance, String policyName,
                                                            dev.muster.core.issuance.InventoryCursor after, int limit) {
        Comparator<dev.muster.core.issuance.InventoryCursor> order = Comparator
                .comparing(dev.muster.core.issuance.InventoryCursor::issuedAt).reversed()
                .thenComparing(dev.muster.core.issuance.InventoryCursor::issuingCaKey)
                .thenComparing(dev.muster.core.issuance.InventoryCursor::serialNumber);
        return issued.stream().filter(e -> e.instance().equals(instance)
                        && e.certificate().policyName().equals(policyName))
                .map(Entry::certificate)
                .filter(c -> after == null || order.compare(dev.muster.core.issuance.InventoryCursor.after(c), after) > 0)
                .sorted(Comparator.comparing(dev.muster.core.issuance.InventoryCursor::after, order))
                .limit(limit).toList();
    }
}
