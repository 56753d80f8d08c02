package dev.muster.core.hub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuiltInHubConfigTest {
    @Test
    void theEventHubsCompatibleNameIsTheHubsNameOrTheWholeIpLiteral() {
        assertThat(BuiltInHubConfig.eventHubsCompatibleName("MyHub.azure-devices.net")).isEqualTo("myhub");
        assertThat(BuiltInHubConfig.eventHubsCompatibleName("127.0.10.1")).isEqualTo("127.0.10.1");
        assertThat(BuiltInHubConfig.eventHubsCompatibleName("::1")).isEqualTo("::1");
        assertThat(BuiltInHubConfig.eventHubsCompatibleName("localhub")).isEqualTo("localhub");
    }

    @Test
    void theEventHubsCompatibleConnectionStringUsesTheOwnerPolicysPrimaryKey() {
        BuiltInHubConfig hub = new BuiltInHubConfig("hub-one.muster.test", "iothubowner", "cHJpbWFyeQ==", "c2Vj");

        assertThat(hub.eventHubsCompatibleConnectionString()).isEqualTo("Endpoint=sb://hub-one.muster.test/;"
                + "SharedAccessKeyName=iothubowner;SharedAccessKey=cHJpbWFyeQ==;EntityPath=hub-one");
    }
}
