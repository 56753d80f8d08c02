package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures while opening a database are one sentence that says what to fix. */
class DatabaseOpeningTest {
    @TempDir
    Path dir;

    @Test
    void anUnreachableServerIsNamedWithoutItsPassword() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "postgresql://muster:s3cret@127.0.0.1:" + closedPort + "/muster";

        assertThatThrownBy(() -> Database.open(url, null, null, 2))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("Cannot reach the database at jdbc:postgresql://127.0.0.1:" + closedPort + "/muster: ")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aPoolSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> Database.open("jdbc:h2:mem:x", null, null, 0))
                .isInstanceOf(StoreException.class)
                .hasMessage("The database pool size must be at least 1, not 0.");
    }

    @Test
    void theEmbeddedDatabaseCreatesItsDataDirectory() {
        Path dataDir = dir.resolve("nested/data");
        try (Database db = Database.embedded(dataDir)) {
            assertThat(db.dialect()).isEqualTo(Dialect.H2);
            assertThat(db.description()).startsWith("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("muster"));
        }
        assertThat(dataDir.resolve("muster.mv.db")).exists();
    }

    @Test
    void theEmbeddedDatabaseFileIsReadableByItsOwnerOnly() throws IOException {
        try (Database db = Database.embedded(dir.resolve("data"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/muster.mv.db"))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void anUnusableDataDirectoryIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        assertThatThrownBy(() -> Database.embedded(file.resolve("data")))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("Cannot create the data directory " + file.resolve("data").toAbsolutePath());
    }

    @Test
    void anH2UrlCanBeGivenExplicitly() {
        String url = "jdbc:h2:file:" + dir.resolve("explicit").toAbsolutePath() + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
        try (Database db = Database.open(url, "sa", "", 2)) {
            assertThat(Stores.open(db).instances().listInstances()).isEmpty();
        }
    }
}
