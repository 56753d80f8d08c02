-- The registry is listed and queried page by page in device-ID order (GET /devices, POST /devices/query). V1 made
-- hub_devices.device_id and hub_twins.device_id without ${key_collation}, so on a PostgreSQL server with a locale
-- collation their order was the locale's; with it, pages follow byte order on every server, as in H2.
ALTER TABLE hub_devices ALTER COLUMN device_id SET DATA TYPE VARCHAR(128) ${key_collation};
ALTER TABLE hub_twins ALTER COLUMN device_id SET DATA TYPE VARCHAR(128) ${key_collation};
