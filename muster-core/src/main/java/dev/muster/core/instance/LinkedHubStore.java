package dev.muster.core.instance;

import java.util.List;

public interface LinkedHubStore {
    List<LinkedHub> linkedHubs(String instance);

    /** Inserts or replaces the link with this host name. */
    void saveLinkedHub(String instance, LinkedHub hub);

    boolean removeLinkedHub(String instance, String hostName);
}
