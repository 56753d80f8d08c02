// Reads a built-in hub's Event Hubs-compatible endpoint with the official @azure/event-hubs client, unchanged:
// hub and partition properties, then EventHubConsumerClient.subscribe on one partition from the earliest event,
// from an enqueued time and from the latest. Prints one JSON line with what it saw (EventHubsNodeConsumerIT checks it).
// Usage: node consume.js <connectionString> <partitionId> <marker> <enqueuedAfterMs>
const { EventHubConsumerClient, earliestEventPosition, latestEventPosition } = require("@azure/event-hubs");

const [connectionString, partitionId, marker, enqueuedAfterMs] = process.argv.slice(2);

/** Subscribes from a position until `done(bodies)` says enough or the time runs out; returns the marked bodies. */
async function collect(client, startPosition, done, seconds = 30) {
  const bodies = [];
  const details = [];
  let error;
  let subscription;
  await new Promise((resolve) => {
    const timer = setTimeout(resolve, seconds * 1000);
    subscription = client.subscribe(partitionId, {
      processEvents: async (events) => {
        for (const e of events) {
          const body = Buffer.isBuffer(e.body) ? e.body.toString("utf8")
            : (typeof e.body === "string" ? e.body : JSON.stringify(e.body));
          if (body.startsWith(marker)) {
            bodies.push(body);
            details.push({ body, sequenceNumber: e.sequenceNumber, offset: e.offset,
              enqueuedTimeUtc: e.enqueuedTimeUtc && e.enqueuedTimeUtc.getTime(), properties: e.properties,
              systemProperties: e.systemProperties, contentType: e.contentType, messageId: e.messageId });
          }
        }
        if (done(bodies)) {
          clearTimeout(timer);
          resolve();
        }
      },
      processError: async (err) => { error = `${err.name}: ${err.message}`; },
    }, { startPosition, maxBatchSize: 50, maxWaitTimeInSeconds: 1 });
  });
  // One subscriber per partition and client: this one ends before the next position is tried.
  await subscription.close();
  return { bodies, details, error };
}

async function main() {
  const client = new EventHubConsumerClient("$Default", connectionString);
  const out = {};
  try {
    const hub = await client.getEventHubProperties();
    out.hub = { name: hub.name, partitionIds: hub.partitionIds, createdOn: hub.createdOn.getTime() };
    const p = await client.getPartitionProperties(partitionId);
    out.partition = { partitionId: p.partitionId, lastEnqueuedSequenceNumber: p.lastEnqueuedSequenceNumber,
      beginningSequenceNumber: p.beginningSequenceNumber, isEmpty: p.isEmpty };
    out.earliest = await collect(client, earliestEventPosition,
      (b) => b.filter((x) => x.startsWith(marker + "-a")).length >= 3);
    out.enqueued = await collect(client, { enqueuedOn: new Date(Number(enqueuedAfterMs)) },
      (b) => b.filter((x) => x.startsWith(marker + "-b")).length >= 2);
    out.latest = await collect(client, latestEventPosition,
      (b) => b.filter((x) => x.startsWith(marker + "-live")).length >= 2);
  } catch (e) {
    out.error = `${e.name}: ${e.message}`;
  } finally {
    await client.close().catch(() => {});
  }
  console.log(JSON.stringify(out));
}

main();
