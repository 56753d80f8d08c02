package dev.muster.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.muster.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * Saved connection profiles: {@code ~/.config/muster/profiles.json} (or $XDG_CONFIG_HOME/muster, or the folder
 * named by MUSTER_CONFIG_DIR / the {@code muster.config.dir} system property). The file holds keys, so it is written
 * with mode 600 in a folder with mode 700.
 */
final class Profiles {
    /** One saved target: a service connection string, the CA to trust (absolute path) and the HTTPS port. */
    record Profile(String name, String connectionString, String caFile, Integer port) {}

    private final Path file;
    private final Map<String, Profile> profiles = new TreeMap<>();
    private String current;

    private Profiles(Path file) {
        this.file = file;
    }

    static Path folder() {
        String dir = System.getProperty("muster.config.dir", Environment.configDir().orElse(null));
        if (dir != null) {
            return Path.of(dir);
        }
        return Environment.xdgConfigHome().map(Path::of).orElseGet(() -> Path.of(System.getProperty("user.home"), ".config"))
                .resolve("muster");
    }

    static Profiles open() {
        Profiles p = new Profiles(folder().resolve("profiles.json"));
        if (Files.exists(p.file)) {
            try {
                JsonNode root = Json.MAPPER.readTree(Files.readString(p.file));
                p.current = root.path("current").isTextual() ? root.get("current").asText() : null;
                root.path("profiles").fields().forEachRemaining(e -> p.profiles.put(e.getKey(), new Profile(e.getKey(),
                        e.getValue().path("connectionString").asText(), Output.text(e.getValue(), "caFile"),
                        e.getValue().path("port").isInt() ? e.getValue().get("port").asInt() : null)));
            } catch (IOException e) {
                throw new UsageError("Cannot read " + p.file + ": " + e.getMessage());
            }
        }
        return p;
    }

    Path file() {
        return file;
    }

    Map<String, Profile> all() {
        return profiles;
    }

    String currentName() {
        return current;
    }

    /** The profile chosen with {@code profile use}, or null. */
    Profile current() {
        return current == null ? null : profiles.get(current);
    }

    Profile get(String name) {
        Profile p = profiles.get(name);
        if (p == null) {
            throw new UsageError("No profile '" + name + "' in " + file + (profiles.isEmpty() ? "" : " (profiles: "
                    + String.join(", ", profiles.keySet()) + ")") + ": save one with 'muster profile save " + name
                    + " --connection-string …'.");
        }
        return p;
    }

    void put(Profile p) {
        profiles.put(p.name(), p);
    }

    void use(String name) {
        get(name);
        current = name;
    }

    void useNone() {
        current = null;
    }

    void remove(String name) {
        get(name);
        profiles.remove(name);
        if (name.equals(current)) {
            current = null;
        }
    }

    /** Writes the file atomically, readable by its owner only. */
    void save() {
        ObjectNode root = Json.object();
        if (current != null) {
            root.put("current", current);
        }
        ObjectNode all = root.putObject("profiles");
        profiles.values().forEach(p -> {
            ObjectNode o = all.putObject(p.name()).put("connectionString", p.connectionString());
            if (p.caFile() != null) {
                o.put("caFile", p.caFile());
            }
            if (p.port() != null) {
                o.put("port", p.port());
            }
        });
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                posix(dir, "rwx------");
            }
            Path tmp = Files.createTempFile(dir, "profiles", ".tmp");
            posix(tmp, "rw-------");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void posix(Path p, String perms) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the user's profile folder is private already.
        }
    }
}
