package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfilesTest {
    private static final String CS = "HostName=dps.example.com;SharedAccessKeyName=owner;SharedAccessKey=c2VjcmV0LWtleS0xMjM0NQ==";
    @TempDir Path dir;

    @BeforeEach
    void privateConfigFolder() {
        System.setProperty("muster.config.dir", dir.resolve("cfg").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("muster.config.dir");
    }

    static String out(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(Main.run(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void savedProfilesAreReadableByTheirOwnerOnly() throws Exception {
        out("profile", "save", "prod", "--connection-string", CS, "--port", "8443");
        Path file = dir.resolve("cfg/profiles.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        Profiles.Profile p = Profiles.open().get("prod");
        assertThat(p.connectionString()).isEqualTo(CS);
        assertThat(p.port()).isEqualTo(8443);
    }

    @Test
    void theCurrentProfileIsTheDefaultTargetButExplicitChoicesWin() {
        out("profile", "save", "prod", "--connection-string", CS, "--use");
        Target t = new Target();
        assertThat(t.service().hostName()).isEqualTo("dps.example.com");
        Target explicit = new Target();
        explicit.connectionString = "HostName=other.example.com;SharedAccessKeyName=o;SharedAccessKey=a2V5";
        assertThat(explicit.service().hostName()).isEqualTo("other.example.com");
        Target local = new Target();
        local.dataDir = dir;
        assertThat(local.local()).isTrue();
        out("profile", "use", "--none");
        assertThat(new Target().profile()).isNull();
    }

    @Test
    void listShowsHostsAndPoliciesButNoKeys() {
        out("profile", "save", "prod", "--connection-string", CS);
        String table = out("profile", "list");
        assertThat(table).contains("prod").contains("dps.example.com").contains("owner").doesNotContain("c2VjcmV0");
        assertThat(out("profile", "list", "-o", "json")).contains("\"hostName\" : \"dps.example.com\"")
                .doesNotContain("c2VjcmV0");
    }

    @Test
    void anUnknownProfileSaysHowToSaveOne() {
        Target t = new Target();
        t.profile = "nope";
        assertThatThrownBy(t::service).isInstanceOf(UsageError.class).hasMessageContaining("muster profile save nope");
        assertThat(Main.run("enrollment", "list", "--profile", "nope")).isEqualTo(2);
    }

    @Test
    void savingWithoutAConnectionStringCopiesTheLocalMuster() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        Files.writeString(data.resolve("connection-info.json"), "{\"serviceConnectionString\":\"" + CS
                + "\",\"caCertificate\":\"" + ca + "\",\"ports\":{\"https\":9443}}");
        out("profile", "save", "local", "--data-dir", data.toString());
        Profiles.Profile p = Profiles.open().get("local");
        assertThat(p.port()).isEqualTo(9443);
        assertThat(p.caFile()).isEqualTo(ca.toAbsolutePath().toString());
    }
}
