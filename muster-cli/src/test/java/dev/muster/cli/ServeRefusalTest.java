package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.store.Database;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} stops before listening on anything when its database is unusable, with one sentence on stderr
 * (free ports only: the database is opened before any listener).
 */
class ServeRefusalTest {
    @TempDir
    Path dir;

    private record Run(int exitCode, String err) {}

    private Run serve(String... extra) {
        String[] base = {"serve", "--data-dir", dir.resolve("data").toString(), "--https-port", "0", "--mqtt-port", "0",
                "--amqp-port", "0"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            return new Run(Main.run(args), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    @Test
    void aPortOutOfRangeIsAUsageErrorNamingItBeforeAnythingIsCreated() {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(new String[] {"serve", "--data-dir", dir.resolve("data").toString(), "--https-port", "70000",
                    "--mqtt-port", "0", "--amqp-port", "0"});
        } finally {
            System.setErr(before);
        }

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("the HTTPS port must be 0 to 65535");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void slowClientSettingsOutOfRangeAreUsageErrorsNamingTheirOptions() {
        Run limits = serve("--max-connections", "100", "--max-connections-per-address", "200");
        Run deadline = serve("--header-timeout", "0");

        assertThat(limits.exitCode()).isEqualTo(2);
        assertThat(limits.err()).contains("--max-connections-per-address 1 to --max-connections");
        assertThat(deadline.exitCode()).isEqualTo(2);
        assertThat(deadline.err()).contains("--header-timeout");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anOrphanGracePeriodOutOfRangeIsAUsageErrorNamingIt() {
        for (String bad : new String[] {"0", "86401"}) {
            Run r = serve("--orphan-grace-seconds", bad);
            assertThat(r.exitCode()).as(bad).isEqualTo(2);
            assertThat(r.err()).contains("the orphan grace period must be 1 to 86400 seconds");
        }
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void anUnreachableDatabaseStopsStartUpWithOneSentenceWithoutThePassword() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }

        Run run = serve("--database", "postgresql://muster:s3cret@127.0.0.1:" + closedPort + "/muster");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().filter(l -> l.startsWith("muster: "))).singleElement().asString()
                .startsWith("muster: Cannot reach the database at jdbc:postgresql://127.0.0.1:" + closedPort + "/muster: ")
                .doesNotContain("s3cret");
    }

    @Test
    void aSchemaNewerThanTheBinaryStopsStartUpWithOneSentence() throws Exception {
        int latest;
        try (Database db = Database.embedded(dir.resolve("data"));
             Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT installed_rank, version FROM flyway_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
            rs.next();
            int rank = rs.getInt(1);
            latest = Integer.parseInt(rs.getString(2));
            int future = latest + 1;
            s.executeUpdate("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, installed_on, execution_time, success) VALUES (" + (rank + 1) + ", '" + future
                    + "', 'from the future', 'SQL', 'V" + future + "__from_the_future.sql', 0, 'test',"
                    + " CURRENT_TIMESTAMP, 0, TRUE)");
        }

        Run run = serve();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().lines().filter(l -> l.startsWith("muster: "))).containsExactly("muster: The database schema"
                + " is version " + (latest + 1) + " but this Muster only knows up to " + latest + "; upgrade Muster.");
    }

    // ---- settings file (MUSTER_CONFIG) ------------------------------------------------------------------------

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Run serveWithSettings(String settings, String... extra) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("muster.properties"), settings);
        System.setProperty(ServeSettingsFile.PROPERTY, file.toString());
        try {
            return serve(extra);
        } finally {
            System.clearProperty(ServeSettingsFile.PROPERTY);
        }
    }

    @Test
    void theDatabaseCanComeFromTheSettingsFile() throws Exception {
        int port = closedPort();

        Run run = serveWithSettings("# node 2\ndatabase = postgresql://muster:pw@127.0.0.1:" + port + "/fromfile\n"
                + "database-pool-size = 4\n");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("muster: Cannot reach the database at jdbc:postgresql://127.0.0.1:" + port + "/fromfile");
    }

    @Test
    void theCommandLineWinsOverTheSettingsFile() throws Exception {
        int port = closedPort();

        Run run = serveWithSettings("database = postgresql://muster:pw@127.0.0.1:" + port + "/fromfile\n",
                "--database", "postgresql://muster:pw@127.0.0.1:" + port + "/fromflag");

        assertThat(run.err()).contains("/fromflag").doesNotContain("/fromfile");
    }

    @Test
    void anUnknownSettingIsNamed() throws Exception {
        Run run = serveWithSettings("databse = postgresql://x@127.0.0.1:1/x\n");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("Unknown setting 'databse'").contains("database-pool-size");
    }
}
