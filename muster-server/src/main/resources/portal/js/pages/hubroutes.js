// Hub routes: a built-in hub's message routing (IoT Hub's routes, fallback route and custom endpoints), read and
// replaced whole on the hub's own REST API (/routing, under the etag it was read with), and IoT Hub's "test route".
// Signed with the hub connection string the Hub devices page keeps in this tab. Endpoint credentials come masked.
import { h, field, select, button, notify, table, badge, section, describeError, attempt } from '../ui.js';
import { savedHub, renderConnect } from './hubdevices.js';

const SOURCES = ['DeviceMessages', 'TwinChangeEvents', 'DeviceLifecycleEvents', 'DeviceConnectionStateEvents'];

export async function render(ctx, target) {
  const hub = savedHub();
  if (!hub) return renderConnect(target, () => render(ctx, target));
  target.replaceChildren(h('h1', {}, 'Hub routes'), h('p', { class: 'loading' }, 'Loading…'));
  let routing;
  try {
    routing = await hub.get('/routing');
  } catch (e) {
    target.replaceChildren(h('h1', {}, 'Hub routes'), h('p', { class: 'field-error', role: 'alert' }, describeError(e)));
    return;
  }
  const again = () => render(ctx, target);
  target.replaceChildren(h('h1', {}, 'Hub routes'),
    h('p', { class: 'toolbar' }, h('span', {}, 'Hub ', h('code', {}, hub.hostName))),
    routesSection(hub, routing, again), addSection(hub, routing, again), endpointsSection(routing),
    testSection(hub));
}

/** Saves an edited copy of the routing under the etag it was read with (a concurrent change is refused). */
async function save(hub, routing, edit, done, success) {
  const next = JSON.parse(JSON.stringify(routing));
  delete next.etag;
  edit(next);
  const saved = await attempt(() => hub.put('/routing', next, routing.etag), success);
  if (saved) done();
}

function routesSection(hub, routing, again) {
  const fallback = routing.fallbackRoute;
  const rows = [...routing.routes, { ...fallback, fallback: true }];
  return section('Routes', table([
    ['Name', r => r.fallback ? h('span', {}, r.name, ' ', badge('fallback', 'muted')) : r.name],
    ['Source', r => r.source],
    ['Endpoint', r => (r.endpointNames || []).join(', ')],
    ['Enabled', r => badge(r.isEnabled ? 'enabled' : 'disabled')],
    ['Condition', r => h('code', {}, r.condition || 'true')],
    ['', r => r.fallback
      ? button(r.isEnabled ? 'Disable fallback' : 'Enable fallback', () => save(hub, routing, n => {
        n.fallbackRoute.isEnabled = !r.isEnabled;
      }, again, `Fallback route ${r.isEnabled ? 'disabled' : 'enabled'}.`), 'small')
      : button('Remove', () => save(hub, routing, n => {
        n.routes = n.routes.filter(x => x.name !== r.name);
      }, again, `Route ${r.name} removed.`), 'small danger', `Remove route ${r.name}`)],
  ], rows), h('p', { class: 'hint' }, 'Device messages no route takes go to the fallback route when it is enabled;'
    + ' twin-change, lifecycle and connection-state events go only where routes send them.'));
}

function addSection(hub, routing, again) {
  const name = h('input', { type: 'text', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9\\-._]{1,64}' });
  const source = select(SOURCES.map(s => [s, s]), 'DeviceMessages');
  const condition = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', value: 'true' });
  const endpointNames = ['events', ...routing.endpoints.webhooks.map(w => w.name),
    ...routing.endpoints.kafka.map(k => k.name)];
  const endpoint = select(endpointNames.map(n => [n, n === 'events' ? 'events (built-in)' : n]), 'events');
  const form = h('form', { class: 'form' },
    field('Route name', name).row, field('Source', source).row,
    field('Condition', condition, 'IoT Hub\'s routing query, e.g. kind = \'alarm\' AND $body.temperature > 30'
      + ' ($body needs contentType application/json and a UTF encoding). true takes every message.').row,
    field('Endpoint', endpoint).row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Save route')));
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const route = { name: name.value.trim(), source: source.value, condition: condition.value.trim() || 'true',
      endpointNames: [endpoint.value], isEnabled: true };
    save(hub, routing, n => {
      n.routes = n.routes.filter(x => x.name !== route.name).concat([route]);
    }, again, `Route ${route.name} saved.`);
  });
  return section('Add a route', form);
}

function endpointsSection(routing) {
  const rows = [...routing.endpoints.webhooks.map(w => ({ name: w.name, type: 'webhook', target: w.url })),
    ...routing.endpoints.kafka.map(k => ({ name: k.name, type: 'kafka', target: `${k.bootstrapServers} / ${k.topic}` }))];
  return section('Custom endpoints', table([['Name', e => e.name], ['Type', e => e.type], ['Target', e => e.target]],
    rows), h('p', { class: 'hint' }, 'Add them with ./muster hub endpoint add-webhook or add-kafka; their headers'
    + ' and producer properties are stored sealed and never shown.'));
}

function testSection(hub) {
  const source = select(SOURCES.map(s => [s, s]), 'DeviceMessages');
  const body = h('textarea', { rows: 3, spellcheck: 'false' }, '{"temperature": 35}');
  const props = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', placeholder: 'kind=alarm, site=north' });
  const json = h('input', { type: 'checkbox', checked: true });
  const result = h('p', { 'aria-live': 'polite', class: 'test-result' });
  const form = h('form', { class: 'form' }, field('Source', source).row, field('Message body', body).row,
    field('Application properties', props, 'KEY=VALUE pairs separated by commas.').row,
    h('div', { class: 'field' }, h('label', {}, json, ' The body is JSON (contentType application/json, UTF-8)')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Test message')), result);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const appProperties = {};
    for (const pair of props.value.split(',').map(p => p.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) { notify(`Application properties take KEY=VALUE, not '${pair}'.`); return; }
      appProperties[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    const systemProperties = json.checked ? { contentType: 'application/json', contentEncoding: 'utf-8' } : {};
    try {
      const r = await hub.post('/routing/test', { routingSource: source.value,
        message: { body: body.value, appProperties, systemProperties } });
      const names = r.routes.map(x => x.properties.name);
      result.textContent = `Routes: ${names.length ? names.join(', ') : 'none'}${r.fallbackRoute ? ' (fallback)' : ''}`
        + ` · endpoints: ${r.endpoints.length ? r.endpoints.join(', ') : 'none (dropped)'}`;
    } catch (e) {
      notify(describeError(e));
    }
  });
  return section('Test a message', form);
}
