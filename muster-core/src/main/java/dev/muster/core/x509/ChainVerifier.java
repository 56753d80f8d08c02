package dev.muster.core.x509;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

/**
 * Validates a device's TLS client certificate and the chain it sent against the CA certificates an enrollment trusts:
 * path building by subject/issuer and signature, validity periods, basic constraints and path lengths of every CA,
 * key usage and extended key usage of the leaf, RSA (2048 bits or more) and ECDSA P-256/P-384/P-521 keys, then the
 * JDK's PKIX validator as the final gate. Every refusal names the certificate and the check it failed.
 *
 * <p>The CA part of a successful path (intermediates and anchor) is remembered by thumbprints in a bounded LRU cache
 * until the earliest expiry among them, so a boot storm of devices under one CA verifies only each leaf.
 */
public final class ChainVerifier {
    public static final int DEFAULT_CACHE_SIZE = 4096;
    private static final int MAX_DEPTH = 8;
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_EKU = "2.5.29.37.0";
    private static final Set<String> LEAF_CRITICAL_OK = Set.of("2.5.29.15", "2.5.29.19", "2.5.29.37", "2.5.29.17",
            "2.5.29.32");
    private static final Map<BigInteger, String> CURVES = new LinkedHashMap<>();

    static {
        for (String n : List.of("P-256", "P-384", "P-521")) {
            CURVES.put(ECNamedCurveTable.getByName(n).getN(), n);
        }
    }

    private final Clock clock;
    private final int capacity;
    private final Map<String, Window> cache;
    private volatile boolean cacheEnabled = true;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    private record Window(Instant from, Instant until) {}

    /** A validated path or the reason none was found. */
    public record Outcome(boolean valid, String reason, List<X509Certificate> path, boolean cacheHit) {
        static Outcome refused(String reason) {
            return new Outcome(false, reason, List.of(), false);
        }

        public X509Certificate anchor() {
            return path.isEmpty() ? null : path.get(path.size() - 1);
        }
    }

    public ChainVerifier(Clock clock) {
        this(clock, DEFAULT_CACHE_SIZE);
    }

    public ChainVerifier(Clock clock, int cacheCapacity) {
        this.clock = clock;
        this.capacity = Math.max(0, cacheCapacity);
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > capacity;
            }
        };
    }

    /** For measurements: with the cache off every path is verified in full. */
    public void setCacheEnabled(boolean enabled) {
        cacheEnabled = enabled;
        if (!enabled) {
            synchronized (cache) {
                cache.clear();
            }
        }
    }

    public long cacheHits() { return hits.get(); }

    public long cacheMisses() { return misses.get(); }

    public int cacheSize() {
        synchronized (cache) {
            return cache.size();
        }
    }

    // ---- single certificates ---------------------------------------------------------------------------------

    /** Checks a device (leaf) certificate on its own: validity, key, key usage, extended key usage. */
    public java.util.Optional<String> checkLeaf(X509Certificate leaf) {
        Instant now = clock.instant();
        String validity = validity(leaf, now, "device certificate");
        if (validity != null) {
            return java.util.Optional.of(validity);
        }
        String key = key(leaf, "device certificate");
        if (key != null) {
            return java.util.Optional.of(key);
        }
        boolean[] ku = leaf.getKeyUsage();
        if (ku != null && !(ku.length > 0 && ku[0])) {
            return java.util.Optional.of("device certificate " + Certificates.describe(leaf)
                    + " has a key usage extension without digitalSignature, so it cannot authenticate a TLS client");
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains(ANY_EKU)) {
                return java.util.Optional.of("device certificate " + Certificates.describe(leaf)
                        + " has an extended key usage " + eku + " that does not allow TLS client authentication"
                        + " (clientAuth " + CLIENT_AUTH + ")");
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return java.util.Optional.of("device certificate " + Certificates.describe(leaf)
                    + " has an unreadable extended key usage: " + e.getMessage());
        }
        Set<String> critical = leaf.getCriticalExtensionOIDs();
        if (critical != null) {
            for (String oid : critical) {
                if (!LEAF_CRITICAL_OK.contains(oid)) {
                    return java.util.Optional.of("device certificate " + Certificates.describe(leaf)
                            + " has an unsupported critical extension " + oid);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Checks a CA certificate on its own (validity, CA flag, key usage, key). */
    public java.util.Optional<String> checkCa(X509Certificate ca, String role) {
        return java.util.Optional.ofNullable(caProblem(ca, role, 0, clock.instant()));
    }

    // ---- paths -----------------------------------------------------------------------------------------------

    /**
     * Validates {@code leaf} through the certificates the device sent (and {@code extraIntermediates} the enrollment
     * knows) up to one of {@code anchors}.
     *
     * @param mustInclude when not null, the path must pass through this certificate (a group's intermediate signer)
     */
    public Outcome verify(X509Certificate leaf, Collection<X509Certificate> presented,
                          Collection<X509Certificate> extraIntermediates, Collection<X509Certificate> anchors,
                          X509Certificate mustInclude) {
        java.util.Optional<String> leafProblem = checkLeaf(leaf);
        if (leafProblem.isPresent()) {
            return Outcome.refused(leafProblem.get());
        }
        if (anchors.isEmpty()) {
            return Outcome.refused("no trusted CA certificate to validate " + Certificates.describe(leaf) + " against");
        }
        Map<String, X509Certificate> anchorByThumb = new LinkedHashMap<>();
        anchors.forEach(a -> anchorByThumb.put(Certificates.sha256(a), a));
        String leafThumb = Certificates.sha256(leaf);
        Map<String, X509Certificate> pool = new LinkedHashMap<>();
        for (X509Certificate c : presented) {
            String t = Certificates.sha256(c);
            if (!t.equals(leafThumb)) {
                pool.put(t, c);
            }
        }
        for (X509Certificate c : extraIntermediates) {
            pool.putIfAbsent(Certificates.sha256(c), c);
        }
        List<List<X509Certificate>> candidates = new ArrayList<>();
        List<String> linkProblems = new ArrayList<>();
        build(leaf, new ArrayList<>(List.of(leaf)), new LinkedHashSet<>(List.of(leafThumb)), pool, anchorByThumb,
                candidates, linkProblems);
        if (anchorByThumb.containsKey(leafThumb)) {
            candidates.add(0, List.of(leaf));
        }
        if (candidates.isEmpty()) {
            if (!linkProblems.isEmpty()) {
                return Outcome.refused(linkProblems.get(0));
            }
            return Outcome.refused("no chain from " + Certificates.describe(leaf) + " (issued by '"
                    + Certificates.issuer(leaf) + "') to a trusted CA: the device sent "
                    + (pool.isEmpty() ? "no intermediate certificate" : "intermediates " + names(pool.values()))
                    + " and the trusted CA certificates are " + names(anchorByThumb.values()));
        }
        String firstProblem = null;
        for (List<X509Certificate> path : candidates) {
            String problem = null;
            if (mustInclude != null && path.stream().noneMatch(c -> c.equals(mustInclude))) {
                problem = "the chain from " + Certificates.describe(leaf) + " reaches trusted CA "
                        + Certificates.describe(path.get(path.size() - 1)) + " but not through the enrollment's signing"
                        + " certificate " + Certificates.describe(mustInclude);
            } else {
                Outcome o = checkPath(path);
                if (o.valid()) {
                    return o;
                }
                problem = o.reason();
            }
            if (firstProblem == null) {
                firstProblem = problem;
            }
        }
        return Outcome.refused(firstProblem);
    }

    /** Depth-first over issuers whose subject matches; signatures are checked per candidate path afterwards. */
    private void build(X509Certificate current, List<X509Certificate> path, Set<String> seen,
                       Map<String, X509Certificate> pool, Map<String, X509Certificate> anchors,
                       List<List<X509Certificate>> out, List<String> problems) {
        if (path.size() > MAX_DEPTH) {
            problems.add("the chain from " + Certificates.describe(path.get(0)) + " is longer than " + MAX_DEPTH
                    + " certificates");
            return;
        }
        for (Map.Entry<String, X509Certificate> e : anchors.entrySet()) {
            X509Certificate a = e.getValue();
            if (seen.contains(e.getKey()) || !a.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                continue;
            }
            List<X509Certificate> p = new ArrayList<>(path);
            p.add(a);
            out.add(p);
        }
        for (Map.Entry<String, X509Certificate> e : pool.entrySet()) {
            X509Certificate c = e.getValue();
            if (seen.contains(e.getKey()) || anchors.containsKey(e.getKey())
                    || !c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                continue;
            }
            path.add(c);
            seen.add(e.getKey());
            build(c, path, seen, pool, anchors, out, problems);
            seen.remove(e.getKey());
            path.remove(path.size() - 1);
        }
    }

    /**
     * Signatures are checked with Bouncy Castle where it knows the algorithm: its P-256 ECDSA verification takes about
     * a third of the JDK 17 one (≈0.3 vs ≈1 ms), and every X.509 device's first registration checks its leaf once
     * (a quarter of the server's CPU in the X.509 boot storm, docs/benchmarks.md). Same checks, other arithmetic.
     */
    private static void verifySignature(X509Certificate subject, java.security.PublicKey key)
            throws GeneralSecurityException {
        try {
            subject.verify(key, FastCrypto.PROVIDER);
        } catch (java.security.NoSuchAlgorithmException e) {
            subject.verify(key);
        }
    }

    private static String signatureProblem(X509Certificate subject, X509Certificate issuer) {
        try {
            verifySignature(subject, issuer.getPublicKey());
            return null;
        } catch (GeneralSecurityException | RuntimeException e) {
            return "certificate " + Certificates.describe(subject) + " names issuer '" + Certificates.issuer(subject)
                    + "', but its signature does not verify with the public key of " + Certificates.describe(issuer)
                    + " (" + e.getMessage() + ")";
        }
    }

    /** path = leaf, intermediates…, anchor; leaf checks and link signatures are done already. */
    private Outcome checkPath(List<X509Certificate> path) {
        Instant now = clock.instant();
        if (path.size() == 1) {
            return new Outcome(true, null, path, false);
        }
        String leafSignature = signatureProblem(path.get(0), path.get(1));
        if (leafSignature != null) {
            return Outcome.refused(leafSignature);
        }
        String key = cacheKey(path);
        if (cacheEnabled && capacity > 0) {
            Window w;
            synchronized (cache) {
                w = cache.get(key);
            }
            if (w != null && !now.isBefore(w.from()) && !now.isAfter(w.until())) {
                hits.incrementAndGet();
                return new Outcome(true, null, path, true);
            }
        }
        misses.incrementAndGet();
        for (int i = 1; i + 1 < path.size(); i++) {
            String sig = signatureProblem(path.get(i), path.get(i + 1));
            if (sig != null) {
                return Outcome.refused(sig);
            }
        }
        Instant from = Instant.MIN;
        Instant until = Instant.MAX;
        for (int i = 1; i < path.size(); i++) {
            X509Certificate ca = path.get(i);
            boolean anchor = i == path.size() - 1;
            String problem = caProblem(ca, anchor ? "trusted CA certificate" : "intermediate CA certificate", i - 1, now);
            if (problem != null) {
                return Outcome.refused(problem);
            }
            from = max(from, ca.getNotBefore().toInstant());
            until = min(until, ca.getNotAfter().toInstant());
        }
        String pkix = pkix(path, now);
        if (pkix != null) {
            return Outcome.refused(pkix);
        }
        if (cacheEnabled && capacity > 0) {
            synchronized (cache) {
                cache.put(key, new Window(from, until));
            }
        }
        return new Outcome(true, null, path, false);
    }

    /**
     * @param below number of intermediate CA certificates between this CA and the leaf (for pathLenConstraint)
     */
    private String caProblem(X509Certificate ca, String role, int below, Instant now) {
        String validity = validity(ca, now, role);
        if (validity != null) {
            return validity;
        }
        int pathLen = ca.getBasicConstraints();
        if (pathLen < 0) {
            return role + " " + Certificates.describe(ca) + " is not a CA: it lacks basicConstraints CA=true, so it"
                    + " may not sign certificates";
        }
        if (pathLen != Integer.MAX_VALUE && below > pathLen) {
            return role + " " + Certificates.describe(ca) + " has pathLenConstraint " + pathLen + " but " + below
                    + " intermediate CA certificate(s) sit below it";
        }
        boolean[] ku = ca.getKeyUsage();
        if (ku != null && !(ku.length > 5 && ku[5])) {
            return role + " " + Certificates.describe(ca) + " has a key usage extension without keyCertSign, so it may"
                    + " not sign certificates";
        }
        return key(ca, role);
    }

    private static String validity(X509Certificate c, Instant now, String role) {
        if (now.isBefore(c.getNotBefore().toInstant())) {
            return role + " " + Certificates.describe(c) + " is not valid yet: its validity starts "
                    + X509CertificateInfo.utc(c.getNotBefore().toInstant());
        }
        if (now.isAfter(c.getNotAfter().toInstant())) {
            return role + " " + Certificates.describe(c) + " expired on "
                    + X509CertificateInfo.utc(c.getNotAfter().toInstant());
        }
        return null;
    }

    /** RSA of 2048 bits or more, or ECDSA on P-256, P-384 or P-521. */
    static String key(X509Certificate c, String role) {
        PublicKey k = c.getPublicKey();
        if (k instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits >= 2048 ? null : role + " " + Certificates.describe(c) + " has a " + bits
                    + "-bit RSA key; at least 2048 bits are required";
        }
        if (k instanceof ECPublicKey ec) {
            BigInteger order = ec.getParams().getOrder();
            return CURVES.containsKey(order) ? null : role + " " + Certificates.describe(c)
                    + " has an EC key on an unsupported curve; use P-256 or P-384";
        }
        return role + " " + Certificates.describe(c) + " has a " + k.getAlgorithm()
                + " key; Muster accepts RSA (2048 bits or more) and ECDSA (P-256, P-384)";
    }

    private static String pkix(List<X509Certificate> path, Instant now) {
        try {
            X509Certificate anchor = path.get(path.size() - 1);
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path.subList(0, path.size() - 1));
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
            return null;
        } catch (CertPathValidatorException e) {
            int i = e.getIndex();
            String which = i >= 0 && i < path.size() - 1 ? "certificate " + Certificates.describe(path.get(i))
                    : "the chain";
            return "certificate path validation failed at " + which + ": " + e.getMessage();
        } catch (GeneralSecurityException e) {
            return "certificate path validation failed: " + e.getMessage();
        }
    }

    private static String cacheKey(List<X509Certificate> path) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < path.size(); i++) {
            b.append(Certificates.sha256(path.get(i))).append('/');
        }
        return b.toString();
    }

    private static String names(Collection<X509Certificate> certs) {
        List<String> out = new ArrayList<>();
        certs.forEach(c -> out.add(Certificates.describe(c)));
        return out.toString();
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
