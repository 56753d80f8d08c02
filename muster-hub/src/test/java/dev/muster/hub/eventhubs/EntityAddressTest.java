package dev.muster.hub.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntityAddressTest {
    @Test
    void partitionReceiverAddressesParseWhateverTheirCaseOrLeadingSlash() {
        assertThat(EntityAddress.parse("myhub/ConsumerGroups/$Default/Partitions/3"))
                .contains(new EntityAddress.Partition("myhub", "$Default", "3"));
        assertThat(EntityAddress.parse("/myhub/consumergroups/$default/partitions/0"))
                .contains(new EntityAddress.Partition("myhub", "$default", "0"));
        assertThat(EntityAddress.parse("messages/events/ConsumerGroups/g1/Partitions/1"))
                .contains(new EntityAddress.Partition("messages/events", "g1", "1"));
    }

    @Test
    void managementAddressesParseBareOrUnderTheEntity() {
        assertThat(EntityAddress.parse("$management")).contains(new EntityAddress.Management(null));
        assertThat(EntityAddress.parse("myhub/$management")).contains(new EntityAddress.Management("myhub"));
    }

    @Test
    void otherAddressesAreNotTheEndpoints() {
        assertThat(EntityAddress.parse("/devices/d1/messages/events")).isEmpty();
        assertThat(EntityAddress.parse("/messages/devicebound")).isEmpty();
        assertThat(EntityAddress.parse("$cbs")).isEmpty();
        assertThat(EntityAddress.parse(null)).isEmpty();
    }

    @Test
    void theEventHubIsNamedAfterTheHub() {
        assertThat(EventHubNames.of("myhub.example.com")).isEqualTo("myhub");
        assertThat(EventHubNames.of("127.0.10.1")).isEqualTo("127.0.10.1");
        assertThat(EventHubNames.matches("myhub.example.com", "MyHub")).isTrue();
        assertThat(EventHubNames.matches("myhub.example.com", "myhub.example.com")).isTrue();
        assertThat(EventHubNames.matches("myhub.example.com", "messages/events")).isTrue();
        assertThat(EventHubNames.matches("myhub.example.com", "other")).isFalse();
    }
}
