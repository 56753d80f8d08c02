package dev.muster.core.hub;

import dev.muster.core.instance.LinkedHub;

/** Gives the client for a linked hub (REST for remote hubs; direct or REST for this process's built-in hubs). */
public interface HubClients {
    HubClient forHub(LinkedHub hub);
}
