// A device on the official Node SDK's AMQP transport (azure-iot-device-amqp) against a built-in hub: it sends
// telemetry, reads its twin and patches reported properties, answers a direct method invoked by the Node service
// client, and completes a cloud-to-device message the service client sends. Prints one JSON line.
// Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Client: DeviceClient, Message } = require('azure-iot-device');
const { Amqp } = require('azure-iot-device-amqp');
const { Client: ServiceClient } = require('azure-iothub');

const [hubConnectionString, deviceConnectionString] = process.argv.slice(2);
const deviceId = /DeviceId=([^;]+)/.exec(deviceConnectionString)[1];
const out = {};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const withTimeout = (promise, ms, what) => Promise.race([promise,
  new Promise((resolve, reject) => setTimeout(() => reject(new Error('timed out: ' + what)), ms))]);

(async () => {
  const device = DeviceClient.fromConnectionString(deviceConnectionString, Amqp);
  const service = ServiceClient.fromConnectionString(hubConnectionString);
  try {
    await device.open();
    const m = new Message(JSON.stringify({ from: 'node-amqp' }));
    m.messageId = 'node-' + deviceId;
    m.contentType = 'application/json';
    m.properties.add('sdk', 'node');
    await device.sendEvent(m);
    out.sent = true;

    const twin = await device.getTwin();
    out.desired = twin.properties.desired;
    await new Promise((resolve, reject) => twin.properties.reported.update({ fw: 'n1' },
      (err) => (err ? reject(err) : resolve())));
    out.reported = true;

    device.onDeviceMethod('echo', (request, response) => {
      response.send(200, { echo: request.payload, method: request.methodName }, () => {});
    });
    // The method links attach after onDeviceMethod returns: until then the hub answers 404103.
    for (let attempt = 0; ; attempt++) {
      try {
        out.echo = (await service.invokeDeviceMethod(deviceId,
          { methodName: 'echo', payload: { n: 7 }, responseTimeoutInSeconds: 10 })).result;
        break;
      } catch (e) {
        if (attempt > 20) throw e;
        await sleep(250);
      }
    }

    const received = new Promise((resolve) => device.on('message', (msg) => {
      device.complete(msg, () => resolve({ body: msg.data.toString(), messageId: msg.messageId,
        kind: msg.properties.getValue('kind') }));
    }));
    await service.open();
    const c2d = new Message('to-node');
    c2d.messageId = 'c2d-' + deviceId;
    c2d.properties.add('kind', 'greeting');
    await service.send(deviceId, c2d);
    out.c2d = await withTimeout(received, 20000, 'cloud-to-device message');
  } catch (e) {
    out.error = String(e && e.message || e);
  } finally {
    try { await device.close(); } catch (ignored) { /* closing */ }
    try { await service.close(); } catch (ignored) { /* closing */ }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
})();
