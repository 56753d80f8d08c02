// A device on the official Node SDK's MQTT or HTTP transport (azure-iot-device-mqtt, azure-iot-device-http) sending
// telemetry to a built-in hub: one message with its system and application properties, then (HTTP) a batch of two.
// Prints one JSON line. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Client: DeviceClient, Message } = require('azure-iot-device');

const [transportName, deviceConnectionString] = process.argv.slice(2);
const transport = transportName === 'http' ? require('azure-iot-device-http').Http
  : require('azure-iot-device-mqtt').Mqtt;
const deviceId = /DeviceId=([^;]+)/.exec(deviceConnectionString)[1];
const out = {};

(async () => {
  const device = DeviceClient.fromConnectionString(deviceConnectionString, transport);
  try {
    await device.open();
    const m = new Message(JSON.stringify({ from: 'node-' + transportName }));
    m.messageId = 'node-' + deviceId;
    m.correlationId = 'corr-' + deviceId;
    m.contentType = 'application/json';
    m.contentEncoding = 'utf-8';
    m.properties.add('sdk', 'node');
    m.properties.add('level', 'high & low');
    await device.sendEvent(m);
    out.sent = 1;
    if (transportName === 'http') {
      const batch = [1, 2].map((n) => {
        const b = new Message(JSON.stringify({ n }));
        b.properties.add('n', String(n));
        return b;
      });
      await device.sendEventBatch(batch);
      out.batch = 2;
    }
  } catch (err) {
    out.error = err.message || String(err);
  } finally {
    try { await device.close(); } catch (e) { /* closing after a failure */ }
    console.log(JSON.stringify(out));
    process.exit(0);
  }
})();
