// The Azure IoT Node service SDK's registry client (azure-iothub) on module identities and module twins of a built-in
// hub: add, read, list, update with the etag, remove, and the module twin through getModuleTwin and Twin.update.
// Prints one JSON line of what the SDK returned. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Registry } = require('azure-iothub');

const [connectionString, deviceId] = process.argv.slice(2);
const registry = Registry.fromConnectionString(connectionString);
const out = {};

// removeModule(module) only works with a callback in this SDK version (its promise form drops the module's etag
// path), so the script passes one.
function removeModule(module) {
  return new Promise((resolve, reject) => registry.removeModule(module, err => (err ? reject(err) : resolve())));
}

// What a refusal looked like to the SDK: its error class, the HTTP status and IoT Hub's error name.
async function refusal(call) {
  try {
    await call();
    return { refused: false };
  } catch (e) {
    const body = (e && e.responseBody) || '';
    const name = /ErrorCode:([A-Za-z]+)/.exec(typeof body === 'string' ? body : JSON.stringify(body));
    return { refused: true, name: e && e.name, status: e && e.response && e.response.statusCode,
      errorCode: name ? name[1] : null };
  }
}

(async () => {
  try {
    await registry.create({ deviceId });
    const added = (await registry.addModule({ deviceId, moduleId: 'sensor' })).responseBody;
    out.added = { moduleId: added.moduleId, deviceId: added.deviceId, etag: added.etag,
      generationId: added.generationId, connectionState: added.connectionState,
      primaryKey: added.authentication && added.authentication.symmetricKey.primaryKey };
    await registry.addModule({ deviceId, moduleId: 'camera', managedBy: 'someone' });
    out.again = await refusal(() => registry.addModule({ deviceId, moduleId: 'sensor' }));

    const read = (await registry.getModule(deviceId, 'sensor')).responseBody;
    out.readEtag = read.etag;
    out.listed = (await registry.getModulesOnDevice(deviceId)).responseBody.map(m => m.moduleId);
    out.managedBy = (await registry.getModule(deviceId, 'camera')).responseBody.managedBy;

    read.authentication.symmetricKey.secondaryKey = Buffer.from('a fresh secondary key, 32 bytes!').toString('base64');
    const updated = (await registry.updateModule(read, false)).responseBody;
    out.updated = { etag: updated.etag, generationId: updated.generationId,
      secondaryKey: updated.authentication.symmetricKey.secondaryKey };
    out.staleUpdate = await refusal(() => registry.updateModule(read, false));
    out.staleRemove = await refusal(() => removeModule({ deviceId, moduleId: 'sensor', etag: added.etag }));

    const twin = (await registry.getModuleTwin(deviceId, 'sensor')).responseBody;
    out.twinBefore = { deviceId: twin.deviceId, moduleId: twin.moduleId, desiredVersion: twin.properties.desired.$version };
    const staleTwinEtag = twin.etag;
    await twin.update({ tags: { site: 'lab' }, properties: { desired: { rate: 5 } } });
    out.twinAfter = { tags: twin.tags, rate: twin.properties.desired.rate, desiredVersion: twin.properties.desired.$version,
      moduleId: twin.moduleId };
    out.staleTwin = await refusal(() => registry.updateModuleTwin(deviceId, 'sensor', { tags: { site: 'x' } },
      staleTwinEtag));
    const deviceTwin = (await registry.getTwin(deviceId)).responseBody;
    out.deviceTwinTags = deviceTwin.tags;
    out.unknownModuleTwin = await refusal(() => registry.getModuleTwin(deviceId, 'ghost'));

    await removeModule({ deviceId, moduleId: 'sensor', etag: updated.etag });
    out.removedGet = await refusal(() => registry.getModule(deviceId, 'sensor'));
    await registry.delete(deviceId);
    out.afterDeviceDeleted = await refusal(() => registry.getModule(deviceId, 'camera'));
    out.listOfDeletedDevice = await refusal(() => registry.getModulesOnDevice(deviceId));
  } catch (e) {
    out.error = String(e && e.message || e);
    out.status = e && e.response && e.response.statusCode;
  }
  process.stdout.write(JSON.stringify(out) + '\n');
})();
