package dev.muster.hub.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.muster.core.Ids;
import dev.muster.core.hub.BuiltInHubConfig;
import dev.muster.core.hub.events.EventContent;
import dev.muster.core.hub.events.EventStream;
import dev.muster.core.sas.SasToken;
import dev.muster.core.testing.InMemoryEventStore;
import dev.muster.core.testing.InMemoryStore;
import dev.muster.core.testing.MutableClock;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ServiceAuthentication;
import dev.muster.hub.amqp.CbsAuthorizer;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManagementRequestsTest {
    private static final String HUB = "hub-one.muster.test";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryStore hubs = new InMemoryStore();
    private final InMemoryEventStore events = new InMemoryEventStore();
    private final ServiceAuthentication services = new ServiceAuthentication(BuiltInHub.create(hubs, clock).devices(),
            clock);
    private final ManagementRequests management = new ManagementRequests(events,
            (hub, token) -> SasToken.parse(token).map(t -> services.authenticateServiceScope(hub, t))
                    .orElse(java.util.Optional.of("no token")), clock);
    private final String key = Ids.policyKey();

    @BeforeEach
    void setUp() {
        hubs.createBuiltInHub(new BuiltInHubConfig(HUB, BuiltInHubConfig.OWNER, key, Ids.policyKey()));
        events.createStream(new EventStream(HUB, 4, T0));
        events.append(HUB, 1, T0.plusSeconds(5), List.of(new EventContent(new byte[1], null, null),
                new EventContent(new byte[2], null, null)));
    }

    private String token(String key) {
        return EventHubsTokens.sign("amqp://" + HUB + "/hub-one", key, "iothubowner", T0.getEpochSecond() + 3600);
    }

    private Message request(Map<String, Object> app) {
        Message m = Message.Factory.create();
        m.setMessageId(UnsignedLong.valueOf(7));
        m.setApplicationProperties(new ApplicationProperties(app));
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Message m) {
        return (Map<String, Object>) ((AmqpValue) m.getBody()).getValue();
    }

    private static Object status(Message m) {
        return m.getApplicationProperties().getValue().get("status-code");
    }

    @Test
    void hubPropertiesNameThePartitionsAndCreationTime() {
        Message answer = management.answer(HUB, request(Map.of("operation", "READ", "type", "com.microsoft:eventhub",
                "name", "hub-one", "security_token", token(key))));
        assertThat(answer.getCorrelationId()).isEqualTo(UnsignedLong.valueOf(7));
        assertThat(status(answer)).isEqualTo(200);
        assertThat(body(answer)).containsEntry("name", "hub-one").containsEntry("created_at", Date.from(T0))
                .containsEntry("partition_count", 4);
        assertThat((String[]) body(answer).get("partition_ids")).containsExactly("0", "1", "2", "3");
    }

    @Test
    void partitionPropertiesDescribeWhatThePartitionHolds() {
        Message answer = management.answer(HUB, request(Map.of("operation", "READ", "type", "com.microsoft:partition",
                "name", "hub-one", "partition", "1", "security_token", token(key))));
        assertThat(status(answer)).isEqualTo(200);
        assertThat(body(answer)).containsEntry("partition", "1").containsEntry("begin_sequence_number", 0L)
                .containsEntry("last_enqueued_sequence_number", 1L).containsEntry("last_enqueued_offset", "1")
                .containsEntry("last_enqueued_time_utc", Date.from(T0.plusSeconds(5)))
                .containsEntry("is_partition_empty", false);
        Message empty = management.answer(HUB, request(Map.of("operation", "READ", "type", "com.microsoft:partition",
                "name", "hub-one", "partition", "2", "security_token", token(key))));
        assertThat(body(empty)).containsEntry("is_partition_empty", true)
                .containsEntry("last_enqueued_sequence_number", -1L);
    }

    @Test
    void aWrongKeyIs401AndAnUnknownEntity404AsTheSdksMapThem() {
        Message wrong = management.answer(HUB, request(Map.of("operation", "READ", "type", "com.microsoft:eventhub",
                "name", "hub-one", "security_token", token(Ids.policyKey()))));
        assertThat(status(wrong)).isEqualTo(401);
        assertThat(wrong.getApplicationProperties().getValue()).containsEntry("error-condition", "amqp:unauthorized-access");
        Message unknown = management.answer(HUB, request(Map.of("operation", "READ", "type", "com.microsoft:eventhub",
                "name", "other", "security_token", token(key))));
        assertThat(status(unknown)).isEqualTo(404);
        assertThat(unknown.getApplicationProperties().getValue().get("status-description").toString())
                .matches("The messaging entity .* could not be found.*");
        Message badPartition = management.answer(HUB, request(Map.of("operation", "READ",
                "type", "com.microsoft:partition", "name", "hub-one", "partition", "9", "security_token", token(key))));
        assertThat(badPartition.getApplicationProperties().getValue())
                .containsEntry("error-condition", "com.microsoft:argument-out-of-range");
    }

    @Test
    void cbsAcceptsEventHubsScopedTokensSignedWithThePolicyKeysText() {
        CbsAuthorizer cbs = new CbsAuthorizer(services, BuiltInHub.create(hubs, clock).authentication());
        String audience = "amqp://" + HUB + "/hub-one/ConsumerGroups/$Default/Partitions/0";
        long se = T0.getEpochSecond() + 3600;
        CbsAuthorizer.Outcome ok = cbs.putToken(HUB, "servicebus.windows.net:sastoken",
                EventHubsTokens.sign(audience, key, "iothubowner", se));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.grant().isService()).isTrue();
        assertThat(ok.grant().audience()).isEqualTo(HUB + "/hub-one/ConsumerGroups/$Default/Partitions/0");
        assertThat(cbs.putToken(HUB, "servicebus.windows.net:sastoken",
                EventHubsTokens.sign(audience, Ids.policyKey(), "iothubowner", se)).status()).isEqualTo(401);
        assertThat(cbs.putToken(HUB, "servicebus.windows.net:sastoken",
                EventHubsTokens.sign("sb://other.host/hub-one", key, "iothubowner", se)).status()).isEqualTo(401);
    }
}
