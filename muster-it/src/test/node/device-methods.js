// Direct methods between the official Node SDKs and a built-in hub: a device (azure-iot-device over MQTT) answers
// 'echo' and 'fail', and the service client (azure-iothub Client.invokeDeviceMethod) calls it, then calls a device
// that is not connected. Prints one JSON line. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Client: DeviceClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient } = require('azure-iothub');

const [hubConnectionString, deviceConnectionString, offlineDeviceId] = process.argv.slice(2);
const deviceId = /DeviceId=([^;]+)/.exec(deviceConnectionString)[1];
const out = {};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const device = DeviceClient.fromConnectionString(deviceConnectionString, Mqtt);
  const service = ServiceClient.fromConnectionString(hubConnectionString);
  try {
    await device.open();
    device.onDeviceMethod('echo', (request, response) => {
      response.send(200, { echo: request.payload, method: request.methodName }, () => {});
    });
    device.onDeviceMethod('fail', (request, response) => {
      response.send(418, { reason: 'teapot' }, () => {});
    });
    // The subscription to $iothub/methods/POST/# goes out after onDeviceMethod returns: until the hub has it, the
    // device cannot take methods (404103), so the first call is retried for a few seconds.
    for (let attempt = 0; ; attempt++) {
      try {
        out.echo = (await service.invokeDeviceMethod(deviceId,
          { methodName: 'echo', payload: { n: 7, s: 'héllo' }, responseTimeoutInSeconds: 10 })).result;
        break;
      } catch (e) {
        if (attempt > 20) throw e;
        await sleep(250);
      }
    }
    out.fail = (await service.invokeDeviceMethod(deviceId, { methodName: 'fail', payload: null })).result;
    try {
      await service.invokeDeviceMethod(offlineDeviceId, { methodName: 'echo', payload: 1 });
      out.offline = { unexpected: 'succeeded' };
    } catch (e) {
      out.offline = { name: e.name, status: e.response && e.response.statusCode, body: e.responseBody };
    }
  } catch (e) {
    out.error = String(e && e.message || e);
    out.status = e && e.response && e.response.statusCode;
  } finally {
    try { await device.close(); } catch (ignored) { /* closing */ }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
})();
