// A module (azure-iot-device ModuleClient over MQTT) of a built-in hub answers a method the Node service client
// (azure-iothub Client.invokeDeviceMethod with a module ID) calls, and patches its reported properties. Prints one
// JSON line. Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { ModuleClient } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const { Client: ServiceClient } = require('azure-iothub');

const [hubConnectionString, moduleConnectionString] = process.argv.slice(2);
const deviceId = /DeviceId=([^;]+)/.exec(moduleConnectionString)[1];
const moduleId = /ModuleId=([^;]+)/.exec(moduleConnectionString)[1];
const out = {};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

(async () => {
  const module = ModuleClient.fromConnectionString(moduleConnectionString, Mqtt);
  const service = ServiceClient.fromConnectionString(hubConnectionString);
  try {
    await module.open();
    module.onMethod('ping', (request, response) => {
      response.send(200, { module: moduleId, got: request.payload }, () => {});
    });
    const twin = await module.getTwin();
    await new Promise((resolve, reject) =>
      twin.properties.reported.update({ node: true }, (err) => (err ? reject(err) : resolve())));
    out.reported = true;
    for (let attempt = 0; ; attempt++) {
      try {
        out.answer = (await service.invokeDeviceMethod(deviceId, moduleId,
          { methodName: 'ping', payload: { n: 3 }, responseTimeoutInSeconds: 10 })).result;
        break;
      } catch (e) {
        if (attempt > 20) throw e;
        await sleep(250);
      }
    }
  } catch (e) {
    out.error = String(e && e.message || e);
  } finally {
    try { await module.close(); } catch (ignored) { /* closing */ }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
})();
