package dev.muster.server.amqp;

import dev.muster.core.hub.events.HubEventStore;
import dev.muster.hub.BuiltInHub;
import dev.muster.hub.LiveDevices;
import dev.muster.hub.ServiceAuthentication;
import dev.muster.hub.amqp.AmqpDevices;
import dev.muster.hub.amqp.CbsAuthorizer;
import dev.muster.hub.amqp.HubAmqpEndpoint;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.hub.eventhubs.EventHubsEndpoint;
import dev.muster.transport.Blocking;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** How a node assembles the hubs' AMQP endpoint and the SASL mechanisms its AMQP listeners offer. */
public final class HubAmqpWiring {
    private HubAmqpWiring() {}

    /** Service links (C2D, feedback) and devices' own links (telemetry, C2D receive, twin, methods). */
    public static HubAmqpEndpoint endpoint(BuiltInHub hub, LiveDevices live, CloudToDeviceQueue cloudToDevice,
                                           Blocking blocking, Clock clock) {
        CbsAuthorizer cbs = new CbsAuthorizer(new ServiceAuthentication(hub.devices(), clock), hub.authentication());
        return new HubAmqpEndpoint(cloudToDevice, cbs, blocking, clock)
                .withDevices(new AmqpDevices(new AmqpDevices.Options(hub, live, cloudToDevice, blocking, clock)));
    }

    /** The hubs' Event Hubs-compatible endpoint on the same listener, reading the durable event streams. */
    public static EventHubsEndpoint eventHubs(BuiltInHub hub, HubEventStore events, Blocking blocking, Clock clock) {
        return new EventHubsEndpoint(new EventHubsEndpoint.Options(events,
                new ServiceAuthentication(hub.devices(), clock), blocking, clock));
    }

    /**
     * DPS's device mechanisms when this node serves DPS, else the ones hub clients use (EXTERNAL for X.509 devices,
     * ANONYMOUS for SAS clients that authenticate by CBS); MSSBCBS last, which some Azure clients name for
     * "authenticated by CBS after the connection opens".
     */
    public static List<DeviceSaslMechanism.Factory> mechanisms(List<DeviceSaslMechanism.Factory> dps) {
        List<DeviceSaslMechanism.Factory> all = new ArrayList<>(dps != null ? dps
                : List.of(TlsOnlyMechanism.EXTERNAL, TlsOnlyMechanism.ANONYMOUS));
        all.add(TlsOnlyMechanism.MSSBCBS);
        return all;
    }
}
