// The Azure IoT Node service SDK's hub client (azure-iothub Client) against a built-in hub's AMQP endpoint: opens
// (CBS put-token), sends a cloud-to-device message with a UUID message id and ack 'full', waits for its feedback record
// on getFeedbackReceiver and completes it; a send to an unknown device must fail. Prints one JSON line.
// Trust Muster's CA with NODE_EXTRA_CA_CERTS.
'use strict';
const { Client } = require('azure-iothub');
const { Message } = require('azure-iot-common');

const [connectionString, deviceId, messageId] = process.argv.slice(2);
const client = Client.fromConnectionString(connectionString);
const out = {};
let done = false;

function finish(err) {
  if (done) {
    return;
  }
  done = true;
  if (err) {
    out.error = String((err && err.message) || err);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  client.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000);
}

setTimeout(() => finish(new Error('no feedback within 60 s')), 60000);

client.open((openError) => {
  if (openError) {
    return finish(openError);
  }
  out.opened = true;
  client.getFeedbackReceiver((receiverError, receiver) => {
    if (receiverError) {
      return finish(receiverError);
    }
    receiver.on('errorReceived', (e) => { out.receiverError = String(e && e.message); });
    receiver.on('message', (msg) => {
      const records = JSON.parse(msg.data.toString());
      receiver.complete(msg, () => {
        const mine = records.find((r) => r.originalMessageId === messageId);
        if (mine) {
          out.feedback = mine;
          out.contentType = msg.contentType;
          finish();
        }
      });
    });
    client.send('no-such-device-' + messageId, new Message('lost'), (unknownError) => {
      out.unknownDevice = unknownError ? unknownError.constructor.name : 'accepted';
      const m = new Message('hello from node');
      m.messageId = messageId;
      m.ack = 'full';
      m.properties.add('source', 'node');
      client.send(deviceId, m, (sendError) => {
        if (sendError) {
          return finish(sendError);
        }
        out.sent = true;
      });
    });
  });
});
