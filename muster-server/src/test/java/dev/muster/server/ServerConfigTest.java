package dev.muster.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    private static final Path DIR = Path.of("data");

    @Test
    void theDefaultsAreASingleMachineSetupOnTheSdksPorts() {
        ServerConfig c = ServerConfig.defaults(DIR);

        assertThat(c.httpsPort()).isEqualTo(443);
        assertThat(c.mqttPort()).isEqualTo(8883);
        assertThat(c.amqpPort()).isEqualTo(5671);
        assertThat(c.globalEndpoint()).isEqualTo("localhost");
        assertThat(c.hubHosts()).containsExactly(ServerConfig.DEFAULT_HUB);
        assertThat(c.databaseUrl()).as("embedded database").isNull();
        assertThat(c.hubClientMode()).isEqualTo(ServerConfig.HubClientMode.DIRECT);
        assertThat(c.timeouts()).isEqualTo(ServerConfig.ListenerTimeouts.DEFAULTS);
        assertThat(c.hubOnly()).isFalse();
        assertThat(c.metricsBind()).as("operators only").isEqualTo("127.0.0.1");
        assertThat(c.metricsPort()).isEqualTo(9464);
        assertThat(c.metricsToken()).isNull();
        assertThat(c.tlsLegacyCiphers()).as("AEAD suites only").isFalse();
    }

    @Test
    void slowClientsAreBoundedBySecondsAndOneAddressBySomeThousandConnectionsByDefault() {
        ServerConfig c = ServerConfig.defaults(DIR);

        assertThat(c.httpDeadlines()).isEqualTo(new ServerConfig.HttpDeadlines(10, 30, 20));
        assertThat(c.connectionLimits()).isEqualTo(new ServerConfig.ConnectionLimits(4_000, 50_000));
    }

    @Test
    void deadlinesAndConnectionLimitsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> new ServerConfig.HttpDeadlines(0, 30, 20)).hasMessageContaining("header time-out");
        assertThatThrownBy(() -> new ServerConfig.HttpDeadlines(10, 0, 20)).hasMessageContaining("body time-out");
        assertThatThrownBy(() -> new ServerConfig.HttpDeadlines(10, 30, 3601))
                .hasMessageContaining("keep-alive time-out");
        assertThatThrownBy(() -> new ServerConfig.ConnectionLimits(10, 0)).hasMessageContaining("connection limit");
        assertThatThrownBy(() -> new ServerConfig.ConnectionLimits(300, 200))
                .hasMessageContaining("per-address connection limit");
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        ServerConfig first = ServerConfig.builder(DIR).hubHosts(List.of("127.0.10.7")).databasePoolSize(4)
                .latencyProbeSeconds(0).build();

        ServerConfig second = first.toBuilder().ports(18443, 18883).build();

        assertThat(second.httpsPort()).isEqualTo(18443);
        assertThat(second.mqttPort()).isEqualTo(18883);
        assertThat(second.amqpPort()).as("kept").isEqualTo(5671);
        assertThat(second.hubHosts()).containsExactly("127.0.10.7");
        assertThat(second.databasePoolSize()).isEqualTo(4);
        assertThat(second.latencyProbeSeconds()).isZero();
        assertThat(second.globalEndpoint()).isEqualTo("localhost:18443");
        assertThat(first.httpsPort()).as("the first is not changed by its builder").isEqualTo(443);
    }

    @Test
    void aBuilderChangedAfterBuildDoesNotChangeWhatItBuilt() {
        ServerConfig.Builder b = ServerConfig.builder(DIR);
        ServerConfig built = b.build();

        b.quickAnswerMillis(0);

        assertThat(built.quickAnswerMillis()).isEqualTo(ServerConfig.DEFAULT_QUICK_ANSWER_MILLIS);
    }

    @Test
    void settingsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> ServerConfig.builder(DIR).databasePoolSize(0).build())
                .hasMessageContaining("database pool size");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).webhookTimeoutMillis(600_001).build())
                .hasMessageContaining("webhook time-out");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).ports(70000, 8883))
                .hasMessageContaining("HTTPS port");
        assertThatThrownBy(() -> ServerConfig.HubClientMode.parse("grpc")).hasMessageContaining("'direct' or 'rest'");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).metrics("127.0.0.1", 65536))
                .hasMessageContaining("metrics port");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).metricsToken("short"))
                .hasMessageContaining("metrics token");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).metricsToken("sixteen chars ok"))
                .as("a space cannot travel in a header value as written").hasMessageContaining("metrics token");
    }

    @Test
    void metricsCanBeTurnedOffMovedAndGuardedByAToken() {
        ServerConfig c = ServerConfig.builder(DIR).metrics("10.0.0.5", 0).metricsToken("0123456789abcdef").build();

        assertThat(c.metricsPort()).isZero();
        assertThat(c.metricsBind()).isEqualTo("10.0.0.5");
        assertThat(c.toBuilder().build().metricsToken()).isEqualTo("0123456789abcdef");
    }

    @Test
    void theHubClientModeIsSpelledAsOnTheCommandLine() {
        assertThat(ServerConfig.HubClientMode.parse("rest")).isEqualTo(ServerConfig.HubClientMode.REST);
        assertThat(ServerConfig.HubClientMode.parse("direct")).isEqualTo(ServerConfig.HubClientMode.DIRECT);
    }

    @Test
    void theCrlUrlIsBuiltFromTheHostNameAndCrlPortUnlessOneIsGiven() {
        assertThat(ServerConfig.defaults(DIR).crlPort()).isEqualTo(80);
        assertThat(ServerConfig.defaults(DIR).crlBaseUrl()).as("no port for 80").isEqualTo("http://localhost");
        assertThat(ServerConfig.builder(DIR).hostName("dps.example.com").crl(8080, null).build().crlBaseUrl())
                .isEqualTo("http://dps.example.com:8080");
        assertThat(ServerConfig.builder(DIR).crl(0, null).build().crlBaseUrl()).as("no listener, no URL").isNull();
        assertThat(ServerConfig.builder(DIR).crl(0, "http://pki.example.com/muster/").build().crlBaseUrl())
                .isEqualTo("http://pki.example.com/muster");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).crl(80, "ldap://pki.example.com"))
                .hasMessageContaining("CRL base URL");
        assertThatThrownBy(() -> ServerConfig.builder(DIR).crl(65536, null)).hasMessageContaining("CRL port");
    }
}
