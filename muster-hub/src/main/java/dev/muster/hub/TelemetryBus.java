package dev.muster.hub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Device-to-cloud messages as the hub receives them, handed to whoever listens (today the live monitor stream). */
public final class TelemetryBus {
    private final List<Consumer<TelemetryMessage>> listeners = new CopyOnWriteArrayList<>();

    public void addTelemetryListener(Consumer<TelemetryMessage> l) { listeners.add(l); }

    public void removeTelemetryListener(Consumer<TelemetryMessage> l) { listeners.remove(l); }

    public void telemetryReceived(TelemetryMessage message) {
        for (Consumer<TelemetryMessage> l : listeners) {
            l.accept(message);
        }
    }
}
