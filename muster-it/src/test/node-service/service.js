// Drives Muster's service API with the official Azure IoT Node provisioning service SDK: individual enrollments and
// groups (create, read, update with etag, attestation mechanism, delete), bulk, queries with paging and WHERE,
// registration records. Prints one JSON line with what it saw; the Java test asserts on it.
// Usage: node service.js CONNECTION_STRING PREFIX GROUP_WITH_DEVICES DEVICE_1 DEVICE_2
'use strict';
const { ProvisioningServiceClient } = require('azure-iot-provisioning-service');

const [connectionString, prefix, registeredGroup, device1, device2] = process.argv.slice(2);
const client = ProvisioningServiceClient.fromConnectionString(connectionString);
const out = {};

function errorOf(e) {
  return { name: e && e.constructor && e.constructor.name, status: e && e.response && e.response.statusCode,
    message: String(e && e.message || e) };
}

async function expectError(promise) {
  try {
    await promise;
    return { name: 'none' };
  } catch (e) {
    return errorOf(e);
  }
}

// runBulkEnrollmentOperation's promise form never settles in 1.11.2 (it only answers when given a callback).
function bulk(operation) {
  return new Promise((resolve, reject) => client.runBulkEnrollmentOperation(operation,
    (err, result) => (err ? reject(err) : resolve({ responseBody: result }))));
}

async function drain(query) {
  const ids = [];
  let pages = 0;
  while (query.hasMoreResults) {
    // next() without arguments forgets the continuation token in 1.11.2: hand it over explicitly.
    const page = await query.next(query.continuationToken);
    pages++;
    for (const item of page.responseBody) ids.push(item.registrationId || item.enrollmentGroupId);
    if (pages > 2000) throw new Error('paging does not end');
  }
  return { ids, pages };
}

async function main() {
  const id = `${prefix}-indiv`;
  const created = (await client.createOrUpdateIndividualEnrollment({
    registrationId: id, attestation: { type: 'symmetricKey' },
    initialTwin: { tags: { building: '43', run: prefix }, properties: { desired: { interval: 30 } } } })).responseBody;
  out.createdEtag = !!created.etag;
  out.generatedKey = !!created.attestation.symmetricKey.primaryKey;
  const read = (await client.getIndividualEnrollment(id)).responseBody;
  out.readSameEtag = read.etag === created.etag;
  read.deviceId = 'node-renamed';
  const updated = (await client.createOrUpdateIndividualEnrollment(read)).responseBody;
  out.updatedDeviceId = updated.deviceId;
  out.keyKept = updated.attestation.symmetricKey.primaryKey === created.attestation.symmetricKey.primaryKey;
  out.staleEtag = await expectError(client.createOrUpdateIndividualEnrollment({ ...created, deviceId: 'lost' }));
  const mechanism = (await client.getIndividualEnrollmentAttestationMechanism(id)).responseBody;
  out.mechanismType = mechanism.type;
  out.mechanismKeyMatches = mechanism.symmetricKey.primaryKey === created.attestation.symmetricKey.primaryKey;

  const groupId = `${prefix}-group`;
  const group = (await client.createOrUpdateEnrollmentGroup({ enrollmentGroupId: groupId,
    attestation: { type: 'symmetricKey' }, provisioningStatus: 'disabled' })).responseBody;
  out.groupStatus = group.provisioningStatus;
  const groupRead = (await client.getEnrollmentGroup(groupId)).responseBody;
  groupRead.provisioningStatus = 'enabled';
  out.groupUpdatedStatus = (await client.createOrUpdateEnrollmentGroup(groupRead)).responseBody.provisioningStatus;
  out.groupMechanismType = (await client.getEnrollmentGroupAttestationMechanism(groupId)).responseBody.type;

  const bulkIds = [1, 2, 3, 4, 5].map((n) => `${prefix}-bulk-${n}`);
  const bulkCreate = (await bulk({ mode: 'create',
    enrollments: bulkIds.map((r) => ({ registrationId: r, attestation: { type: 'symmetricKey' },
      initialTwin: { tags: { run: prefix } } })) })).responseBody;
  out.bulkCreate = bulkCreate;
  const bulkAgain = (await bulk({ mode: 'create',
    enrollments: [{ registrationId: bulkIds[0], attestation: { type: 'symmetricKey' } },
      { registrationId: `${prefix}-bulk-6`, attestation: { type: 'symmetricKey' }, initialTwin: { tags: { run: prefix } } }] })).responseBody;
  out.bulkAgain = bulkAgain;
  bulkIds.push(`${prefix}-bulk-6`);

  // '*' is the form the SDK's own samples use
  const everything = await drain(client.createIndividualEnrollmentQuery({ query: '*' }, 100));
  out.everythingIncludesMine = everything.ids.includes(id) && bulkIds.every((b) => everything.ids.includes(b));
  out.everythingNoDuplicates = new Set(everything.ids).size === everything.ids.length;
  const all = await drain(client.createIndividualEnrollmentQuery(
    { query: `SELECT * FROM enrollments WHERE tags.run = '${prefix}'` }, 2));
  out.queryIds = all.ids;
  out.queryPages = all.pages;
  out.queryAllBulk = bulkIds.every((b) => all.ids.includes(b)) && all.ids.includes(id);
  out.queryNoDuplicates = new Set(all.ids).size === all.ids.length;
  const tagged = await drain(client.createIndividualEnrollmentQuery(
    { query: "SELECT * FROM enrollments WHERE tags.building = '43'" }, 1));
  out.taggedIncludesMine = tagged.ids.includes(id);
  out.taggedExcludesBulk = !tagged.ids.some((t) => bulkIds.includes(t));
  out.badQuery = await expectError(client.createIndividualEnrollmentQuery({ query: 'SELECT * FROM enrollments ORDER BY x' }).next());
  const groups = await drain(client.createEnrollmentGroupQuery({ query: 'SELECT * FROM enrollmentGroups' }, 1));
  out.groupQueryFindsGroup = groups.ids.includes(groupId);
  const starGroups = await drain(client.createEnrollmentGroupQuery({ query: '*' }, 1));
  out.starGroupQueryFindsGroup = starGroups.ids.includes(groupId);

  const records = await drain(client.createEnrollmentGroupDeviceRegistrationStateQuery(
    { query: 'SELECT * FROM enrollmentGroups' }, registeredGroup, 1));
  out.registrationIds = records.ids.sort();
  out.registrationPages = records.pages;
  const record = (await client.getDeviceRegistrationState(device1)).responseBody;
  out.recordStatus = record.status;
  await client.deleteDeviceRegistrationState(device1, record.etag);
  out.deletedRecord = await expectError(client.getDeviceRegistrationState(device1));
  await client.deleteDeviceRegistrationState(device2);

  const bulkDelete = (await bulk({ mode: 'delete',
    enrollments: bulkIds.map((r) => ({ registrationId: r })) })).responseBody;
  out.bulkDelete = bulkDelete;
  await client.deleteIndividualEnrollment(id, updated.etag);
  out.deletedEnrollment = await expectError(client.getIndividualEnrollment(id));
  await client.deleteEnrollmentGroup(groupId);
  out.deletedGroup = await expectError(client.getEnrollmentGroup(groupId));
}

let printed = false;
function print(outcome) {
  if (!printed) {
    printed = true;
    process.stdout.write(JSON.stringify(outcome) + '\n');
  }
}
// A call whose promise never settles would let node exit silently once nothing else is pending: say so instead.
process.on('exit', () => print({ ...out, error: 'node exited with a call still pending' }));
setTimeout(() => { print({ ...out, error: 'timeout' }); process.exit(0); }, 90000).unref();
main().then(() => print(out), (e) => print({ ...out, error: errorOf(e) }));
