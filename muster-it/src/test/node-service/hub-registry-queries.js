// The Azure IoT Node service SDK's registry client (azure-iothub) against a built-in hub, as a back end uses the
// registry: bulk addDevices/updateDevices/removeDevices, list, and twin queries paged with createQuery(..).nextAsTwin
// until the hub stops sending x-ms-continuation. Prints one JSON line. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Registry } = require('azure-iothub');

const [connectionString, prefix] = process.argv.slice(2);
const registry = Registry.fromConnectionString(connectionString);
const out = {};
const ids = [1, 2, 3, 4, 5].map((i) => `${prefix}-${i}`);

function failure(e) {
  let body = e && e.responseBody;
  try { body = JSON.parse(body); } catch (ignored) { /* not JSON */ }
  return { status: e && e.response && e.response.statusCode, name: e && e.constructor && e.constructor.name,
    message: e && e.message, body };
}

async function pages(query) {
  const seen = [];
  let count = 0;
  do {
    const result = await query.nextAsTwin();
    count++;
    result.result.forEach((twin) => seen.push(twin.deviceId));
    if (count > 20) throw new Error('more than 20 pages: continuation never ends');
  } while (query.hasMoreResults);
  return { ids: seen, pages: count };
}

(async () => {
  try {
    out.added = (await registry.addDevices(ids.map((deviceId) => ({ deviceId })))).responseBody;
    try {
      await registry.addDevices([{ deviceId: ids[0] }, { deviceId: `${prefix}-6` }]);
      out.addAgain = { status: 200 };
    } catch (e) {
      out.addAgain = failure(e);
    }
    try {
      await registry.addDevices([{ deviceId: `${prefix}-7` }, { deviceId: `${prefix}-7` }]);
      out.duplicate = { status: 200 };
    } catch (e) {
      out.duplicate = failure(e);
    }

    const listed = (await registry.list()).responseBody;
    out.listedMine = listed.filter((d) => d.deviceId.startsWith(prefix + '-')).map((d) => d.deviceId).sort();
    const one = listed.find((d) => d.deviceId === ids[0]);
    out.listedFields = { connectionState: one.connectionState, lastActivityTime: one.lastActivityTime,
      cloudToDeviceMessageCount: one.cloudToDeviceMessageCount, hasKey: !!one.authentication.symmetricKey.primaryKey };

    for (const [i, id] of ids.entries()) {
      await registry.updateTwin(id, { tags: { run: prefix, kind: (i + 1) % 2 === 0 ? 'even' : 'odd' } }, '*');
    }
    out.twinPages = await pages(registry.createQuery(`SELECT * FROM devices WHERE tags.run = '${prefix}'`, 2));
    out.oddPages = await pages(registry.createQuery(
      `SELECT * FROM devices WHERE tags.run = '${prefix}' AND tags.kind = 'odd'`, 100));
    out.groups = (await registry.createQuery(`SELECT tags.kind AS kind, COUNT() AS n FROM devices`
      + ` WHERE tags.run = '${prefix}' GROUP BY tags.kind`).next()).result;
    try {
      await registry.createQuery('SELECT * FROM devices WHERE').next();
      out.badQuery = { status: 200 };
    } catch (e) {
      out.badQuery = failure(e);
    }

    const current = (await registry.get(ids[1])).responseBody;
    out.staleUpdate = (await registry.updateDevices([{ deviceId: ids[1], status: 'disabled', etag: '"stale"' }], false)
      .then(() => ({ status: 200 }), failure));
    out.update = (await registry.updateDevices([{ deviceId: ids[1], status: 'disabled', etag: current.etag }], false))
      .responseBody;
    out.updatedStatus = (await registry.get(ids[1])).responseBody.status;

    out.missing = await registry.get(`${prefix}-none`).then(() => ({ status: 200 }), failure);
    out.removed = (await registry.removeDevices(ids.map((deviceId) => ({ deviceId })), true)).responseBody;
    await registry.removeDevices([{ deviceId: `${prefix}-6` }], true);
    out.afterRemove = (await registry.createQuery(`SELECT COUNT() AS n FROM devices WHERE tags.run = '${prefix}'`)
      .next()).result;
  } catch (e) {
    out.error = String(e && e.message || e);
    out.failure = failure(e);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
