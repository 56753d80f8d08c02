package dev.muster.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the stored values that hold secrets (enrollment and device keys, policy keys, hub connection strings)
 * with AES-256-GCM. Sealed text is {@code enc:v1:} + base64(nonce ‖ ciphertext ‖ tag); text without that prefix is
 * read as written, so a database from before encryption stays readable and is sealed as rows are rewritten.
 * Every node sharing one database must use the same key ({@code MUSTER_SECRET_KEY}).
 */
public final class SecretBox {
    public static final String ENV = "MUSTER_SECRET_KEY";
    private static final String PREFIX = "enc:v1:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        if (key.length != 32) {
            throw new StoreException("The secret key must be 32 bytes (base64 of 32 random bytes); got " + key.length + ".");
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    public static SecretBox of(byte[] key) {
        return new SecretBox(key.clone());
    }

    /** A key for this object only; what it seals cannot be read by another. For tests. */
    public static SecretBox ephemeral() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return new SecretBox(k);
    }

    /**
     * The operator's key (base64, from {@code MUSTER_SECRET_KEY}) if given, else {@code dataDir/secret.key}, made on
     * first use (readable by the owner only).
     */
    public static SecretBox forDataDir(Path dataDir, String configuredKey) {
        return find(dataDir, configuredKey, true).orElseThrow();
    }

    /**
     * The key {@link #forDataDir} would use, but never a new one: empty when none is configured and the data folder
     * has none yet (then nothing sealed exists to read, and a command that only reads must not create a key).
     */
    public static Optional<SecretBox> existing(Path dataDir, String configuredKey) {
        return find(dataDir, configuredKey, false);
    }

    private static Optional<SecretBox> find(Path dataDir, String configuredKey, boolean create) {
        if (configuredKey != null && !configuredKey.isBlank()) {
            return Optional.of(new SecretBox(decode(configuredKey.strip(), ENV)));
        }
        Path file = dataDir.resolve("secret.key");
        if (!create && !Files.exists(file)) {
            return Optional.empty();
        }
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(dataDir);
                byte[] k = new byte[32];
                RANDOM.nextBytes(k);
                Path tmp = Files.createTempFile(dataDir, ".secret", ".tmp");
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException ignored) {
                    // not a POSIX file system
                }
                Files.writeString(tmp, Base64.getEncoder().encodeToString(k) + "\n");
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return Optional.of(new SecretBox(decode(Files.readString(file).strip(), file.toString())));
        } catch (IOException e) {
            throw new StoreException("Cannot read or create the secret key " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String text, String where) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new StoreException("The secret key in " + where + " is not base64.");
        }
    }

    /** A 32-byte key for one purpose, derived from this key, so one operator secret serves every need. */
    public byte[] derive(String purpose) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
            return mac.doFinal(("muster:" + purpose).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new StoreException("Cannot derive a key: " + e.getMessage(), e);
        }
    }

    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] ct = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE + ct.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(ct, 0, out, NONCE, ct.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new StoreException("Cannot encrypt a secret: " + e.getMessage(), e);
        }
    }

    public String open(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE));
            return new String(c.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreException("A stored secret cannot be decrypted: the secret key (" + ENV
                    + " or DATA_DIR/secret.key) is not the one it was written with.", e);
        }
    }

    static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }
}
