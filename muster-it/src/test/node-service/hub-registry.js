// The Azure IoT Node service SDK's registry client (azure-iothub) against a built-in hub: creates an enabled and a
// disabled device, reads the registry statistics, and deletes both (the SDK sends If-Match: "*" without an etag).
// Prints one JSON line. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Registry } = require('azure-iothub');

const [connectionString, prefix] = process.argv.slice(2);
const registry = Registry.fromConnectionString(connectionString);
const out = {};

(async () => {
  try {
    out.before = (await registry.getRegistryStatistics()).responseBody;
    await registry.create({ deviceId: `${prefix}-on`, status: 'enabled' });
    await registry.create({ deviceId: `${prefix}-off`, status: 'disabled' });
    out.after = (await registry.getRegistryStatistics()).responseBody;
    await registry.delete(`${prefix}-on`);
    await registry.delete(`${prefix}-off`);
    out.deleted = true;
  } catch (e) {
    out.error = String(e && e.message || e);
    out.status = e && e.response && e.response.statusCode;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
