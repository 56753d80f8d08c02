package dev.muster.core.tpm;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Properties;

/** The fixed values in swtpm-vectors.properties, produced with the software TPM (see the comments there). */
public final class SwtpmVectors {
    private static final Properties P = load();

    private SwtpmVectors() {
    }

    public static String text(String key) {
        String v = P.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("no vector " + key);
        }
        return v.strip();
    }

    public static byte[] base64(String key) {
        return Base64.getDecoder().decode(text(key));
    }

    public static byte[] hex(String key) {
        return HexFormat.of().parseHex(text(key));
    }

    private static Properties load() {
        try (InputStream in = SwtpmVectors.class.getResourceAsStream("swtpm-vectors.properties")) {
            if (in == null) {
                throw new IllegalStateException("swtpm-vectors.properties not on the test class path");
            }
            Properties p = new Properties();
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
