package dev.muster.transport;

/** A part of the HTTP surface (device API, service API, hub API) the front door hands requests to. */
public interface Route {
    void handle(Exchange exchange);
}
