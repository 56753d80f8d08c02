-- A device's status beside its sealed document, so the registry's statistics (enabled and disabled counts) are one
-- COUNT each instead of unsealing every device. Rows written before this version get it from V12.
ALTER TABLE hub_devices ADD COLUMN status VARCHAR(16);
