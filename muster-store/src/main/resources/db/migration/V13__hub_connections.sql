-- Several nodes on one database: which node holds each device's and module's hub connection, so connection state
-- reads the same on every node and a direct method call arriving at one node reaches the device on another.
-- Nodes leave a heartbeat; a node that stops beating holds nothing (its rows are read as disconnected).
CREATE TABLE hub_nodes (
    node_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    address      VARCHAR(255) NOT NULL,
    port         INT          NOT NULL,
    heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per device ('' as module_id) and per module: its last connection. A newer connection takes the row over;
-- only the connection holding it (connection_id) can mark it disconnected.
CREATE TABLE hub_connections (
    hub_key          VARCHAR(255) NOT NULL,
    device_id        VARCHAR(128) NOT NULL,
    module_id        VARCHAR(128) NOT NULL,
    node_id          VARCHAR(64)  NOT NULL,
    connection_id    VARCHAR(64)  NOT NULL,
    connected        BOOLEAN      NOT NULL,
    state_updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    last_activity_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (hub_key, device_id, module_id)
);

-- A stopping node marks what it held disconnected.
CREATE INDEX hub_connections_by_node ON hub_connections (node_id, connected);
