package dev.muster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.server.ConnectionInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServeBannerTest {
    private static final String KEY = "c2VjcmV0LW93bmVyLWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    @Test
    void theBannerNamesHostsAndWhereTheKeysAreButPrintsNoKey() {
        ConnectionInfo info = new ConnectionInfo("0ne00000001", "localhost",
                "HostName=localhost;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=" + KEY, "/d/tls/ca.pem",
                List.of(ConnectionInfo.Hub.of(new BuiltInHubConfig("127.0.10.1", "iothubowner", KEY, KEY))),
                new ConnectionInfo.Ports(443, 8883, 5671), "/d",
                "http://127.0.0.1:9464/metrics");

        List<String> banner = ServeCommand.banner(info, 850, Path.of("/d"));

        assertThat(String.join("\n", banner))
                .doesNotContain(KEY).doesNotContain("SharedAccessKey")
                .contains("https://localhost   (owner connection string: ./muster connection-string show)")
                .contains("127.0.10.1   (its iothubowner connection string: hubs[] in connection-info.json)")
                .contains("events endpoint  sb://127.0.10.1/  Event Hubs-compatible name 127.0.10.1"
                        + "   (./muster hub show --hub 127.0.10.1)")
                .contains("0ne00000001")
                .contains("Metrics            http://127.0.0.1:9464/metrics   (operators only: every instance's figures)");
    }

    @Test
    void aServiceApiOffPort443CarriesItsPort() {
        ConnectionInfo info = new ConnectionInfo("0ne00000001", "localhost:8443",
                "HostName=localhost;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=" + KEY, "/d/tls/ca.pem",
                List.of(), new ConnectionInfo.Ports(8443, 8883, 5671), "/d", null);

        assertThat(ServeCommand.banner(info, 1, Path.of("/d"))).anyMatch(l -> l.contains("https://localhost:8443 "))
                .noneMatch(l -> l.contains("Metrics"));
    }
}
