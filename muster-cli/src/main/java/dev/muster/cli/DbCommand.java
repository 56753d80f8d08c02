package dev.muster.cli;

import dev.muster.store.Database;
import dev.muster.store.SchemaStatus;
import dev.muster.store.SecretBox;
import dev.muster.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "db", mixinStandardHelpOptions = true, description = "The database schema, for operators.",
        subcommands = {DbCommand.Status.class, DbCommand.Migrate.class},
        footer = {"", "Examples:", "  ./muster db status", "  ./muster db migrate --database postgresql://muster:pw@db:5432/muster"})
final class DbCommand {

    /** Which database: --database, MUSTER_DATABASE, else the embedded one of --data-dir. */
    static final class Which {
        @Option(names = "--database", description = "postgresql://USER[:PASS]@HOST:PORT/DB or a JDBC URL (default:"
                + " MUSTER_DATABASE, else the embedded database of --data-dir).")
        String database;
        @Option(names = "--data-dir", defaultValue = "data", description = "Data folder. Default: ${DEFAULT-VALUE}")
        Path dataDir;

        String url() {
            return database != null ? database : Environment.database().orElseGet(() -> Database.embeddedUrl(dataDir));
        }

        /**
         * The key serve would use, for migrations that fill in columns from sealed enrollment documents; none if the
         * data folder has none yet (then there is nothing sealed to read, and migrating must not create one).
         */
        SecretBox secrets() {
            return SecretBox.existing(dataDir, Environment.secretKey().orElse(null)).orElse(null);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show applied and pending migrations.",
            footer = {"", "Example:", "  ./muster db status --database postgresql://muster@127.0.0.1:5432/muster"})
    static final class Status implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which;
        @picocli.CommandLine.Mixin Output output;

        @Override
        public Integer call() {
            SchemaStatus s;
            try {
                s = Database.inspect(which.url(), null, null);
            } catch (StoreException e) {
                System.err.println("muster: " + e.getMessage());
                return 3;
            }
            if (output.json()) {
                output.print(System.out, dev.muster.core.Json.MAPPER.createObjectNode().put("current", s.current())
                        .put("latestKnown", s.latestKnown()).put("upToDate", s.upToDate())
                        .put("newerThanThisBinary", s.newerThanThisBinary())
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set("applied", dev.muster.core.Json.MAPPER.valueToTree(s.applied()))
                        .set("pending", dev.muster.core.Json.MAPPER.valueToTree(s.pending())));
                return s.newerThanThisBinary() ? 1 : 0;
            }
            System.out.println("Schema version " + (s.current() == null ? "none (empty database)" : s.current())
                    + "; this Muster knows up to " + s.latestKnown() + ".");
            s.applied().forEach(m -> System.out.println("  applied  " + m));
            s.pending().forEach(m -> System.out.println("  pending  " + m));
            if (s.newerThanThisBinary()) {
                System.out.println("The schema is newer than this Muster: upgrade Muster before starting it.");
                return 1;
            }
            System.out.println(s.upToDate() ? "Up to date." : "Run ./muster db migrate (or start Muster) to migrate.");
            return 0;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Bring the schema up to date (what serve does at start-up), then exit.",
            footer = {"", "Example:", "  ./muster db migrate --database postgresql://muster@127.0.0.1:5432/muster"})
    static final class Migrate implements Callable<Integer> {
        @picocli.CommandLine.Mixin Which which;

        @Override
        public Integer call() {
            try (Database db = Database.open(which.url(), null, null, 2, which.secrets())) {
                SchemaStatus s = Database.inspect(which.url(), null, null);
                System.out.println("Schema is at version " + s.current() + " (" + db.description() + ").");
                return 0;
            } catch (StoreException e) {
                System.err.println("muster: " + e.getMessage());
                return 1;
            }
        }
    }
}
