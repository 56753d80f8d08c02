package dev.muster.server.amqp;

import dev.muster.hub.BuiltInHub;
import dev.muster.hub.ServiceAuthentication;
import dev.muster.hub.amqp.CbsAuthorizer;
import dev.muster.hub.amqp.HubAmqpEndpoint;
import dev.muster.hub.c2d.CloudToDeviceQueue;
import dev.muster.transport.Blocking;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** How a node assembles the hubs' AMQP endpoint and the SASL mechanisms its AMQP listeners offer. */
public final class HubAmqpWiring {
    private HubAmqpWiring() {}

    public static HubAmqpEndpoint endpoint(BuiltInHub hub, CloudToDeviceQueue cloudToDevice, Blocking blocking,
                                           Clock clock) {
        CbsAuthorizer cbs = new CbsAuthorizer(new ServiceAuthentication(hub.devices(), clock), hub.authentication());
        return new HubAmqpEndpoint(cloudToDevice, cbs, blocking, clock);
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
