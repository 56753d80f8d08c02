package dev.muster.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The contract on the embedded H2 database, opened exactly as a single-node server opens it. */
class H2StoreContractTest extends StoreContractTest {
    private Path root;

    @Override
    protected Supplier<Database> emptyDatabase() {
        Function<String, Database> at = emptyDatabaseAt();
        return () -> at.apply(null);
    }

    @Override
    protected Function<String, Database> emptyDatabaseAt() {
        try {
            if (root == null) {
                root = Files.createTempDirectory("muster-store-h2");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path dataDir = root.resolve(UUID.randomUUID().toString());
        return version -> Database.open(Database.embeddedUrl(dataDir), null, null, 10, version, secrets);
    }

    @Override
    Dialect expectedDialect() {
        return Dialect.H2;
    }

    @Override
    protected void removeDatabases() {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
