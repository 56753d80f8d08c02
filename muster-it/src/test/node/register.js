// Registers one symmetric-key device with the Azure IoT Node SDK, then (optionally) reads its twin from the
// assigned hub over MQTT. Prints one JSON line with the outcome. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { SymmetricKeySecurityClient } = require('azure-iot-security-symmetric-key');
const { Client } = require('azure-iot-device');

const [host, idScope, registrationId, key, transportName, readTwin] = process.argv.slice(2);
const Transport = {
  http: () => require('azure-iot-provisioning-device-http').Http,
  amqp: () => require('azure-iot-provisioning-device-amqp').Amqp,
  amqpws: () => require('azure-iot-provisioning-device-amqp').AmqpWs,
  mqtt: () => require('azure-iot-provisioning-device-mqtt').Mqtt,
}[transportName || 'mqtt']();

function done(outcome) {
  process.stdout.write(JSON.stringify(outcome) + '\n');
  process.exit(0);
}
setTimeout(() => done({ error: 'timeout' }), 45000).unref();

const security = new SymmetricKeySecurityClient(registrationId, key);
const client = ProvisioningDeviceClient.create(host, idScope, new Transport(), security);
client.setProvisioningPayload({ sdk: 'node' });
client.register((err, result) => {
  if (err) {
    return done({ error: String(err && err.message || err), name: err && err.constructor && err.constructor.name });
  }
  const outcome = { assignedHub: result.assignedHub, deviceId: result.deviceId, status: result.status,
    substatus: result.substatus };
  if (readTwin !== 'twin') {
    return done(outcome);
  }
  const { Mqtt } = require('azure-iot-device-mqtt');
  const hub = Client.fromConnectionString(
    `HostName=${result.assignedHub};DeviceId=${result.deviceId};SharedAccessKey=${key}`, Mqtt);
  hub.open((openErr) => {
    if (openErr) return done({ ...outcome, twinError: String(openErr.message || openErr) });
    hub.getTwin((twinErr, twin) => {
      if (twinErr) return done({ ...outcome, twinError: String(twinErr.message || twinErr) });
      outcome.desired = twin.properties.desired;
      twin.properties.reported.update({ sdk: 'node' }, (repErr) => {
        outcome.reported = !repErr;
        hub.close(() => done(outcome));
      });
    });
  });
});
