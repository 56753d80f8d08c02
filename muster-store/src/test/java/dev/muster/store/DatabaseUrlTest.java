package dev.muster.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    @Test
    void jdbcUrlsPassThroughWithTheGivenCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/muster", "app", "pw");
        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db:5432/muster", "app", "pw"));
    }

    @Test
    void libpqUrlsBecomeJdbcWithTheirCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s3cret@db.internal:6432/muster", null, null);
        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.internal:6432/muster", "app", "s3cret"));
    }

    @Test
    void thePostgresSchemeAQueryAndNoPortAreAccepted() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://app@db/muster?sslmode=require", null, "pw");
        assertThat(url).isEqualTo(new DatabaseUrl("jdbc:postgresql://db/muster?sslmode=require", "app", "pw"));
    }

    @Test
    void percentEscapesInCredentialsAreDecodedButPlusIsLiteral() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app%40corp:p%3Aw+d%2F@db:5432/muster", null, null);
        assertThat(url.user()).isEqualTo("app@corp");
        assertThat(url.password()).isEqualTo("p:w+d/");
    }

    @Test
    void separatelyGivenCredentialsWinOverTheUrls() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app:old@db:5432/muster", "admin", "new");
        assertThat(url.user()).isEqualTo("admin");
        assertThat(url.password()).isEqualTo("new");
    }

    @Test
    void hostListsAndIpv6LiteralsPassThrough() {
        assertThat(DatabaseUrl.parse("postgresql://u@[::1]:5432/m", null, null).jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:5432/m");
        assertThat(DatabaseUrl.parse("postgresql://u@db_1:5432,db_2:5432/m", null, null).jdbcUrl())
                .isEqualTo("jdbc:postgresql://db_1:5432,db_2:5432/m");
    }

    @Test
    void aLibpqUrlWithoutDatabaseIsRefused() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://app:pw@db:5432", null, null))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("must name a host and a database")
                .hasMessageNotContaining("pw@");
    }

    @Test
    void unknownSchemesAreRefused() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://app:pw@db/muster", null, null))
                .isInstanceOf(StoreException.class)
                .hasMessageStartingWith("The database URL 'mysql://app:***@db/muster' is not understood");
        assertThatThrownBy(() -> DatabaseUrl.parse(" ", null, null)).hasMessage("No database URL was given.");
    }

    @Test
    void passwordsAreMaskedInEveryForm() {
        assertThat(DatabaseUrl.redact("postgresql://app:s3cret@db/m")).isEqualTo("postgresql://app:***@db/m");
        assertThat(DatabaseUrl.redact("jdbc:postgresql://db/m?user=app&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/m?user=app&password=***&ssl=true");
        assertThat(DatabaseUrl.redact("jdbc:h2:file:/x;PASSWORD=s3cret;MODE=PostgreSQL"))
                .isEqualTo("jdbc:h2:file:/x;PASSWORD=***;MODE=PostgreSQL");
        assertThat(new DatabaseUrl("jdbc:postgresql://db/m", "app", "s3cret").toString()).doesNotContain("s3cret");
    }

    @Test
    void theDialectFollowsTheJdbcUrl() {
        assertThat(Dialect.ofJdbcUrl("jdbc:h2:mem:x")).isEqualTo(Dialect.H2);
        assertThat(Dialect.ofJdbcUrl("jdbc:postgresql://db/m")).isEqualTo(Dialect.POSTGRESQL);
        assertThatThrownBy(() -> Dialect.ofJdbcUrl("jdbc:mysql://db/m"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("neither an H2 nor a PostgreSQL URL");
    }
}
