// The portal shell: sign in with a connection string, learn the policy's rights, route between pages.
import { Api, parseConnectionString, ApiError } from './api.js';
import { h, field, notify, clearNotice, describeError } from './ui.js';
import * as overview from './pages/overview.js';
import * as enrollments from './pages/enrollments.js';
import * as registrations from './pages/registrations.js';
import * as hubs from './pages/hubs.js';
import * as certificates from './pages/certificates.js';
import * as certificatePolicies from './pages/certpolicies.js';
import * as policies from './pages/policies.js';
import * as live from './pages/live.js';
import * as hubDevices from './pages/hubdevices.js';
import * as hubRoutes from './pages/hubroutes.js';

const SESSION_KEY = 'muster.connectionString';
const ALL_RIGHTS = ['ServiceConfig', 'EnrollmentRead', 'EnrollmentWrite', 'RegistrationStatusRead',
  'RegistrationStatusWrite'];

// [route, label, module, right needed to see it]
const PAGES = [
  ['overview', 'Overview', overview, null],
  ['enrollments', 'Enrollments', enrollments, 'EnrollmentRead'],
  ['registrations', 'Registration records', registrations, 'RegistrationStatusRead'],
  ['live', 'Live registrations', live, 'RegistrationStatusRead'],
  ['hubs', 'Linked hubs', hubs, 'ServiceConfig'],
  // Signed with a hub's own policy (pasted on the page), so no right of the provisioning service is needed.
  ['hub-devices', 'Hub devices', hubDevices, null],
  ['hub-routes', 'Hub routes', hubRoutes, null],
  ['certificates', 'Certificates', certificates, 'ServiceConfig'],
  ['certificate-policies', 'Certificate policies', certificatePolicies, 'EnrollmentRead'],
  ['policies', 'Access policies', policies, 'ServiceConfig'],
];

let ctx = null;
let cleanup = null;

function rightsOf(instance) {
  const text = instance && instance.policy && instance.policy.rights;
  if (!text) return null;
  return new Set(String(text).split(',').map(r => r.trim()).filter(Boolean));
}

async function signIn(connectionString) {
  const cs = parseConnectionString(connectionString);
  if (cs.hostName.toLowerCase() !== location.hostname.toLowerCase()) {
    throw new Error(`This connection string is for ${cs.hostName}; open https://${cs.hostName}${location.port ? ':' + location.port : ''}/portal/ to manage it.`);
  }
  const api = new Api(cs);
  let instance;
  try {
    instance = await api.get('/instance');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    // A server without GET /instance: the policy's rights are unknown, so every page is offered and the API decides.
    instance = { name: cs.hostName, serviceHostName: cs.hostName, policy: { keyName: cs.keyName } };
    try {
      instance.idScope = (await api.get('/usage')).idScope;
    } catch (ignored) {
      // Without ServiceConfig the ID scope stays unknown.
    }
  }
  const known = rightsOf(instance);
  ctx = {
    api, instance, cs,
    rightsKnown: known !== null,
    can: right => !right || (known === null ? true : known.has(right)),
  };
  sessionStorage.setItem(SESSION_KEY, connectionString.trim());
}

function signOut() {
  sessionStorage.removeItem(SESSION_KEY);
  hubDevices.forget();
  ctx = null;
  if (cleanup) cleanup();
  cleanup = null;
  location.hash = '';
  showSignIn();
}

function showSignIn(error) {
  document.getElementById('nav').hidden = true;
  document.getElementById('who').replaceChildren();
  clearNotice();
  const input = h('textarea', { rows: 3, spellcheck: 'false', autocomplete: 'off', required: true,
    placeholder: 'HostName=…;SharedAccessKeyName=…;SharedAccessKey=…' });
  const f = field('Service connection string', input,
    'From connection-info.json (serviceConnectionString) or `muster connection-string show`. The key stays in this tab: it signs each call and is forgotten when you close the tab or sign out.');
  const form = h('form', { class: 'card signin', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title' }, 'Sign in to Muster'),
    f.row,
    h('button', { type: 'submit', class: 'primary' }, 'Sign in'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    form.querySelector('button').disabled = true;
    try {
      await signIn(input.value);
      showApp();
    } catch (e) {
      notify(describeError(e));
      form.querySelector('button').disabled = false;
    }
  });
  document.getElementById('page').replaceChildren(form);
  if (error) notify(error);
  input.focus();
}

function showApp() {
  const nav = document.getElementById('nav');
  const visible = PAGES.filter(([, , , right]) => ctx.can(right));
  nav.replaceChildren(h('ul', {}, visible.map(([route, label]) =>
    h('li', {}, h('a', { href: `#/${route}`, 'data-route': route }, label)))));
  nav.hidden = false;
  const rights = ctx.rightsKnown ? ALL_RIGHTS.filter(r => ctx.can(r)).join(', ') : 'rights not reported by this server';
  document.getElementById('who').replaceChildren(
    h('span', {}, `${ctx.instance.serviceHostName} · policy ${ctx.cs.keyName} (${rights})`),
    h('button', { type: 'button', class: 'link light', onclick: signOut }, 'Sign out'));
  if (!location.hash || location.hash === '#') location.hash = '#/overview';
  else route();
}

async function route() {
  if (!ctx) return;
  if (cleanup) cleanup();
  cleanup = null;
  clearNotice();
  const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const name = parts[0] || 'overview';
  const page = PAGES.find(([r]) => r === name) || PAGES[0];
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.route === page[0]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const target = document.getElementById('page');
  target.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
  if (!ctx.can(page[3])) {
    target.replaceChildren(h('p', {}, `Policy ${ctx.cs.keyName} lacks the ${page[3]} right this page needs.`));
    return;
  }
  document.title = `${page[1]} · Muster portal`;
  try {
    cleanup = await page[2].render(ctx, target, parts.slice(1)) || null;
  } catch (e) {
    target.replaceChildren();
    notify(describeError(e));
  }
  const heading = target.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

window.addEventListener('hashchange', route);

async function start() {
  const saved = sessionStorage.getItem(SESSION_KEY);
  if (saved) {
    try {
      await signIn(saved);
      showApp();
      return;
    } catch (e) {
      sessionStorage.removeItem(SESSION_KEY);
      showSignIn(describeError(e));
      return;
    }
  }
  showSignIn();
}

start();
