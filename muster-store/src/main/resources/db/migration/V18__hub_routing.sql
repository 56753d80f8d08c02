-- Each built-in hub's message routing (custom endpoints, routes, fallback route) as one JSON document, replaced whole
-- under its etag so two nodes' concurrent edits cannot both win. Webhook headers and Kafka producer properties are
-- sealed inside the document (SecretBox). Nodes poll the etag to learn of changes made elsewhere.
CREATE TABLE hub_routing (
    hub_key    VARCHAR(255) NOT NULL PRIMARY KEY,
    document   VARCHAR      NOT NULL,
    etag       VARCHAR(64)  NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
