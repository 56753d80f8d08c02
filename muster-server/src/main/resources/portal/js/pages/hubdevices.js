// Hub devices: a built-in hub's devices, reached on the hub's own REST API with the hub connection string the operator
// pastes (kept in this tab only, like the service connection string): list and query with paging, one device's
// identity, connection state, twin and modules, direct methods, and cloud-to-device messages.
import { h, field, select, button, notify, table, badge, section, when, describeError, fillPager, checkJsonField,
  copyable, confirmAction } from '../ui.js';
import { HubApi } from '../hubapi.js';

const HUB_KEY = 'muster.hubConnectionString';
const PAGE = 20;
/** IoT Hub's limit on a cloud-to-device message body. */
const MAX_C2D_BYTES = 64 * 1024;

/** Forgets the hub connection string (on sign-out). */
export function forget() {
  sessionStorage.removeItem(HUB_KEY);
}

export function savedHub() {
  const saved = sessionStorage.getItem(HUB_KEY);
  if (!saved) return null;
  try {
    return new HubApi(saved);
  } catch (e) {
    forget();
    return null;
  }
}

export async function render(ctx, target, params) {
  const hub = savedHub();
  if (!hub) return renderConnect(target, () => render(ctx, target, params));
  if (params[0]) return renderDevice(hub, target, params[0]);
  return renderList(hub, target);
}

// ---- connect --------------------------------------------------------------------------------------------------

export function renderConnect(target, then) {
  const input = h('textarea', { rows: 3, spellcheck: 'false', autocomplete: 'off', required: true,
    placeholder: 'HostName=…;SharedAccessKeyName=iothubowner;SharedAccessKey=…' });
  const form = h('form', { class: 'form' },
    field('Hub connection string', input, 'A built-in hub\'s iothubowner connection string (connection-info.json:'
      + ' hubs[].connectionString). The page calls the hub\'s own REST API with it, as a back end would; the key stays'
      + ' in this tab and is never sent to the provisioning service.').row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Connect to hub')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const hub = new HubApi(input.value);
      await hub.get('/statistics/devices'); // proves the host answers and the key signs
      sessionStorage.setItem(HUB_KEY, input.value.trim());
      then();
    } catch (e) {
      notify(describeError(e));
    }
  });
  target.replaceChildren(h('h1', {}, 'Hub devices'), section('Connect to a hub', form));
  input.focus();
}

function hubLine(hub, target) {
  return h('p', { class: 'toolbar' }, h('span', {}, 'Hub ', h('code', {}, hub.hostName), ` · policy ${hub.cs.keyName}`),
    button('Use another hub', () => {
      forget();
      renderConnect(target, () => renderList(savedHub(), target));
    }, 'small'));
}

// ---- list and query -------------------------------------------------------------------------------------------

let lastFilter = '';

/** A bare condition becomes SELECT * FROM devices WHERE it; a whole query is sent as written. */
export function queryText(filter) {
  const f = filter.trim();
  if (!f) return 'SELECT * FROM devices';
  return /^select\s/i.test(f) ? f : `SELECT * FROM devices WHERE ${f}`;
}

function renderList(hub, target) {
  const filter = h('input', { type: 'search', autocomplete: 'off', spellcheck: 'false', value: lastFilter });
  const form = h('form', { class: 'form' },
    field('Query', filter, 'A condition such as tags.site = \'x\' AND properties.reported.fw > 2, or a whole'
      + ' SELECT … FROM devices … query. Empty lists every device.').row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Run query'),
      button('Refresh', () => load())));
  const results = h('div', { 'aria-live': 'polite' });
  const pager = h('div', { class: 'pager' });
  let pages = [null];
  let index = 0;
  const load = async () => {
    results.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    pager.replaceChildren();
    try {
      const page = await hub.query('/devices/query', queryText(lastFilter), PAGE, pages[index]);
      pages[index + 1] = page.continuation;
      results.replaceChildren(rowsOf(page.items));
      fillPager(pager, index, !!page.continuation, step => { index += step; load(); });
    } catch (e) {
      results.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, describeError(e)));
    }
  };
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    lastFilter = filter.value;
    pages = [null];
    index = 0;
    load();
  });
  target.replaceChildren(h('h1', {}, 'Hub devices'), hubLine(hub, target),
    section('Devices', form, results, pager), eventsEndpoint(hub));
  load();
}

// ---- the built-in events endpoint -----------------------------------------------------------------------------

/**
 * The entity name of a hub's events endpoint: the hub's name (first label of its host), or a whole IP literal
 * (as BuiltInHubConfig.eventHubsCompatibleName on the server).
 */
export function eventHubsName(hostName) {
  const h = hostName.toLowerCase();
  if (h.includes(':') || /^[0-9.]+$/.test(h) || !h.includes('.')) return h;
  return h.slice(0, h.indexOf('.'));
}

/** Endpoint=sb://{host}/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath={name}, with the key given. */
export function eventHubsConnectionString(cs, key) {
  return `Endpoint=sb://${cs.hostName}/;SharedAccessKeyName=${cs.keyName};SharedAccessKey=${key};`
    + `EntityPath=${eventHubsName(cs.hostName)}`;
}

const CONSUMER_GROUPS = '/eventHubEndpoints/events/ConsumerGroups';

/**
 * What a telemetry back end reads with: the Event Hubs-compatible connection string (key masked, the Copy button
 * copies it whole; the operator holds the hub's key already, having pasted it), and the consumer groups.
 */
function eventsEndpoint(hub) {
  const groups = h('div', { 'aria-live': 'polite' });
  const name = h('input', { autocomplete: 'off', spellcheck: 'false', required: true, maxlength: 50,
    pattern: '[A-Za-z0-9._\\-]{1,50}' });
  const form = h('form', { class: 'form' },
    field('New consumer group', name, '1 to 50 letters, digits, periods, hyphens or underscores.').row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit' }, 'Add consumer group')));
  const load = async () => {
    try {
      const list = (await hub.get(CONSUMER_GROUPS)).value || [];
      groups.replaceChildren(table([
        ['Consumer group', g => h('code', {}, g.name)],
        ['Created', g => (g.properties && g.properties.created ? when(g.properties.created) : '—')],
        ['', g => (g.name === '$Default' ? '' : button('Remove', async () => {
          if (!confirmAction(`Remove consumer group ${g.name}? Readers using it lose their place.`)) return;
          try {
            await hub.del(`${CONSUMER_GROUPS}/${encodeURIComponent(g.name)}`);
            load();
          } catch (e) {
            notify(describeError(e));
          }
        }, 'small danger', `Remove consumer group ${g.name}`))],
      ], list));
    } catch (e) {
      groups.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, describeError(e)));
    }
  };
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await hub.put(`${CONSUMER_GROUPS}/${encodeURIComponent(name.value.trim())}`, { properties: { name: name.value.trim() } });
      name.value = '';
      load();
    } catch (e) {
      notify(describeError(e));
    }
  });
  load();
  return section('Events endpoint (Event Hubs-compatible)',
    h('dl', { class: 'facts' },
      h('dt', {}, 'Event Hubs-compatible name'), h('dd', {}, h('code', {}, eventHubsName(hub.cs.hostName))),
      h('dt', {}, 'Event Hubs-compatible endpoint'), h('dd', {}, h('code', {}, `sb://${hub.cs.hostName}/`)),
      h('dt', {}, 'Connection string'), h('dd', {}, copyable(eventHubsConnectionString(hub.cs, hub.cs.key),
        'Event Hubs-compatible connection string', eventHubsConnectionString(hub.cs, '••••••••')))),
    groups, form);
}

/** Device twins as a table; anything else a query may select (projections, COUNT()) as JSON. */
function rowsOf(items) {
  if (!items.every(x => x && typeof x === 'object' && typeof x.deviceId === 'string')) {
    return h('pre', { class: 'code' }, JSON.stringify(items, null, 2));
  }
  return table([
    ['Device ID', d => h('a', { href: `#/hub-devices/${encodeURIComponent(d.deviceId)}` }, d.deviceId)],
    ['Status', d => badge(d.status || '—')],
    ['Connection state', d => connection(d.connectionState)],
    ['Last activity', d => activity(d.lastActivityTime)],
    ['Queued C2D', d => (d.cloudToDeviceMessageCount !== undefined ? d.cloudToDeviceMessageCount : '—')],
    ['Auth type', d => authType(d)],
  ], items);
}

function connection(state) {
  return badge(state || 'unknown', state === 'Connected' ? 'ok' : 'disconnected');
}

/** IoT Hub shows a time that has not happened yet as 0001-01-01. */
function activity(iso) {
  return !iso || iso.startsWith('0001-') ? 'never' : when(iso);
}

/** A twin says authenticationType; a device identity says authentication.type. */
function authType(d) {
  return d.authenticationType || (d.authentication && d.authentication.type) || '—';
}

// ---- one device -----------------------------------------------------------------------------------------------

async function renderDevice(hub, target, id) {
  const path = encodeURIComponent(id);
  const [device, twin, modules] = await Promise.allSettled([hub.get(`/devices/${path}`), hub.get(`/twins/${path}`),
    hub.get(`/devices/${path}/modules`)]);
  const parts = [h('h1', {}, `Device ${id}`), hubLine(hub, target),
    h('p', {}, h('a', { href: '#/hub-devices' }, 'All devices of this hub'))];
  if (device.status === 'rejected') {
    target.replaceChildren(...parts, section('Identity', h('p', { role: 'alert' }, describeError(device.reason))));
    return;
  }
  const moduleIds = modules.status === 'fulfilled' ? (modules.value || []).map(m => m.moduleId) : [];
  const facts = h('dl', { class: 'facts' });
  showIdentity(facts, device.value);
  const refresh = button('Refresh', async () => {
    try {
      showIdentity(facts, await hub.get(`/devices/${path}`));
    } catch (e) {
      notify(describeError(e));
    }
  }, 'small', 'Refresh the identity and connection state');
  target.replaceChildren(...parts,
    section('Identity and connection', facts, h('div', { class: 'buttons' }, refresh)),
    section('Twin', twin.status === 'fulfilled' ? twinView(twin.value) : h('p', {}, describeError(twin.reason))),
    section('Modules', modulesView(modules)),
    h('div', { class: 'columns' }, section('Invoke a direct method', methodForm(hub, id, moduleIds)),
      section('Send a cloud-to-device message', messageForm(hub, id, moduleIds, () => refresh.click()))));
}

function showIdentity(facts, d) {
  const since = d.connectionStateUpdatedTime && !d.connectionStateUpdatedTime.startsWith('0001-')
    ? ` since ${when(d.connectionStateUpdatedTime)}` : '';
  facts.replaceChildren(
    h('dt', {}, 'Status'), h('dd', {}, badge(d.status || '—'), d.statusReason ? ` ${d.statusReason}` : ''),
    h('dt', {}, 'Connection state'), h('dd', { id: 'connection-state' }, connection(d.connectionState), since),
    h('dt', {}, 'Last activity'), h('dd', {}, activity(d.lastActivityTime)),
    h('dt', {}, 'Queued cloud-to-device messages'), h('dd', { id: 'queued-c2d' },
      d.cloudToDeviceMessageCount !== undefined ? String(d.cloudToDeviceMessageCount) : '—'),
    h('dt', {}, 'Authentication'), h('dd', {}, authType(d)),
    h('dt', {}, 'IoT Edge device'), h('dd', {}, d.capabilities && d.capabilities.iotEdge ? 'yes' : 'no'),
    h('dt', {}, 'Generation ID'), h('dd', {}, h('code', {}, d.generationId || '—')),
    h('dt', {}, 'ETag'), h('dd', {}, h('code', {}, d.etag || '—')));
}

function twinView(t) {
  const props = t.properties || {};
  const block = (title, value) => [h('h3', {}, title), h('pre', { class: 'code' }, JSON.stringify(withoutMetadata(value || {}), null, 2))];
  return h('div', { class: 'twin' }, h('div', {}, block('Tags', t.tags)),
    h('div', {}, block('Desired properties', props.desired)), h('div', {}, block('Reported properties', props.reported)));
}

/** $metadata repeats every property with its time: left out of what an operator reads. */
function withoutMetadata(value) {
  const copy = { ...value };
  delete copy.$metadata;
  return copy;
}

function modulesView(result) {
  if (result.status === 'rejected') {
    const e = result.reason;
    // A hub without the modules API answers 404 for the route itself (not 404001 for the device).
    return h('p', {}, e.status === 404 ? 'No modules.' : describeError(e));
  }
  const list = result.value || [];
  if (!list.length) return h('p', {}, 'No modules.');
  return table([
    ['Module ID', m => m.moduleId],
    ['Connection state', m => connection(m.connectionState)],
    ['Last activity', m => activity(m.lastActivityTime)],
    ['Queued C2D', m => (m.cloudToDeviceMessageCount !== undefined ? m.cloudToDeviceMessageCount : '—')],
    ['Auth type', m => authType(m)],
    ['Managed by', m => m.managedBy || '—'],
  ], list);
}

/** The device itself or one of its modules, as the first field of both forms. */
function targetSelect(moduleIds) {
  return select([['', 'The device itself'], ...moduleIds.map(m => [m, `Module ${m}`])], '');
}

function targetPath(id, moduleId) {
  return `/${encodeURIComponent(id)}${moduleId ? `/modules/${encodeURIComponent(moduleId)}` : ''}`;
}

// ---- direct methods -------------------------------------------------------------------------------------------

function methodForm(hub, id, moduleIds) {
  const who = targetSelect(moduleIds);
  const name = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true });
  const payload = h('textarea', { rows: 4, spellcheck: 'false', class: 'code' }, '{}');
  const payloadError = h('p', { class: 'field-error', role: 'alert', hidden: true });
  payload.addEventListener('input', () => checkJsonField(payload, payloadError));
  const timeout = h('input', { type: 'number', min: 5, max: 300, value: 30, required: true, class: 'narrow' });
  const connect = h('input', { type: 'number', min: 0, max: 300, value: 0, required: true, class: 'narrow' });
  const result = h('div', { class: 'method-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'form' },
    moduleIds.length ? field('Method target', who).row : null,
    field('Method name', name).row,
    field('Payload (JSON)', payload, 'Any JSON value: an object, an array, a string in quotes, a number, or null.').row,
    payloadError,
    field('Response timeout (seconds)', timeout, 'How long the hub waits for the answer: 5 to 300.').row,
    field('Connect timeout (seconds)', connect, 'How long the hub waits for the device to connect: 0 to 300.').row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Invoke method')),
    result);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const parsed = checkJsonField(payload, payloadError);
    if (parsed === undefined) {
      payload.focus();
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    result.replaceChildren(h('p', { class: 'loading' }, `Waiting for ${id} to answer…`));
    try {
      const answer = await hub.post(`/twins${targetPath(id, who.value)}/methods`, {
        methodName: name.value.trim(), payload: parsed.value,
        responseTimeoutInSeconds: Number(timeout.value), connectTimeoutInSeconds: Number(connect.value),
      });
      result.replaceChildren(h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { class: 'method-status' }, String(answer.status)),
        h('dt', {}, 'Payload'), h('dd', {}, h('pre', { class: 'code method-payload' },
          JSON.stringify(answer.payload, null, 2)))));
    } catch (e) {
      result.replaceChildren(h('p', { class: 'field-error', role: 'alert' }, describeError(e)));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}


// ---- cloud-to-device messages ---------------------------------------------------------------------------------

function messageForm(hub, id, moduleIds, sent) {
  const who = targetSelect(moduleIds);
  const body = h('textarea', { rows: 4, spellcheck: 'false', class: 'code' });
  const props = h('textarea', { rows: 3, spellcheck: 'false', class: 'code', placeholder: 'kind=command' });
  const messageId = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const correlationId = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const ack = select([['none', 'None'], ['positive', 'Positive (when completed)'],
    ['negative', 'Negative (when rejected, expired or undeliverable)'], ['full', 'Full (both)']], 'none');
  const form = h('form', { class: 'form' },
    moduleIds.length ? field('Message target', who).row : null,
    field('Message body', body, 'Sent as UTF-8 text, at most 64 KB.').row,
    field('Properties', props, 'One name=value a line; the device sees them as application properties.').row,
    field('Message ID', messageId).row,
    field('Correlation ID', correlationId).row,
    field('Acknowledgement (feedback)', ack).row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Send message')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const headers = { 'iothub-ack': ack.value, ...propertyHeaders(props.value) };
      if (messageId.value.trim()) headers['iothub-messageid'] = messageId.value.trim();
      if (correlationId.value.trim()) headers['iothub-correlationid'] = correlationId.value.trim();
      const size = new TextEncoder().encode(body.value).length;
      if (size > MAX_C2D_BYTES) throw new Error(`The body is ${size} bytes; a cloud-to-device message carries at most ${MAX_C2D_BYTES}.`);
      await hub.send(`/devices${targetPath(id, who.value)}/messages/devicebound`, body.value, headers);
      notify(`Queued a message for ${who.value ? `module ${who.value} of ` : ''}${id}.`, 'ok');
      sent();
    } catch (e) {
      notify(describeError(e));
    }
  });
  return form;
}

/** name=value lines as iothub-app-{name} headers; names must be HTTP header tokens and values plain ASCII. */
export function propertyHeaders(text) {
  const headers = {};
  text.split('\n').map(l => l.trim()).filter(Boolean).forEach((line, i) => {
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    const value = eq > 0 ? line.slice(eq + 1).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new Error(`Property line ${i + 1} must be name=value with a name of letters, digits and -_.`);
    }
    if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`The value of property ${name} must be plain ASCII text.`);
    headers[`iothub-app-${name}`] = value;
  });
  return headers;
}
