// Enrollments and enrollment groups: list (query paging), find by ID, create, edit with etags, enable/disable,
// delete, initial twin as JSON, allocation and reprovision policy, derived device keys for symmetric-key groups.
import { h, field, select, button, notify, attempt, table, copyable, badge, section, when, readFile,
  confirmAction, describeError, fillPager, checkJsonField } from '../ui.js';
import { newKey, hmacBase64, ApiError } from '../api.js';

const PAGE = 25;
const ALLOCATION = [['', 'Instance default'], ['hashed', 'Evenly weighted (hashed)'],
  ['geoLatency', 'Lowest latency (geoLatency)'], ['static', 'Static (one hub)'], ['custom', 'Custom (webhook)']];

const kinds = {
  individual: { path: '/enrollments', query: 'SELECT * FROM enrollments', id: e => e.registrationId, noun: 'enrollment',
    idLabel: 'Registration ID' },
  group: { path: '/enrollmentGroups', query: 'SELECT * FROM enrollmentGroups', id: g => g.enrollmentGroupId,
    noun: 'enrollment group', idLabel: 'Group ID' },
};

export async function render(ctx, target, params) {
  const [kindOrAction, id] = params;
  if (kindOrAction === 'new') return renderCreate(ctx, target, id === 'group' ? 'group' : 'individual');
  if ((kindOrAction === 'individual' || kindOrAction === 'group') && id) return renderDetail(ctx, target, kindOrAction, id);
  return renderList(ctx, target, kindOrAction === 'group' ? 'group' : 'individual');
}

// ---- list ---------------------------------------------------------------------------------------------------

function attestationType(e) {
  return (e.attestation && e.attestation.type) || '—';
}

function renderList(ctx, target, kind) {
  const k = kinds[kind];
  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Kind of enrollment' },
    ['individual', 'group'].map(t => h('a', { href: `#/enrollments/${t}`, 'aria-current': t === kind ? 'page' : null },
      t === 'individual' ? 'Individual enrollments' : 'Enrollment groups')));
  const findInput = h('input', { type: 'search', autocomplete: 'off', placeholder: 'exact ID' });
  const typeFilter = select([['', 'Any attestation'], ['symmetricKey', 'Symmetric key'], ['x509', 'X.509'],
    ['tpm', 'TPM']], '');
  const statusFilter = select([['', 'Enabled or disabled'], ['enabled', 'Enabled'], ['disabled', 'Disabled']], '');
  const tagFilter = h('input', { type: 'search', autocomplete: 'off', placeholder: 'site=lab' });
  const results = h('div', {});
  const pager = h('div', { class: 'pager' });
  const pages = [null]; // continuation token of each page start
  let index = 0;

  const queryText = () => {
    const where = [];
    if (typeFilter.value) where.push(`attestation.type = '${typeFilter.value}'`);
    if (statusFilter.value) where.push(`provisioningStatus = '${statusFilter.value}'`);
    const tag = tagFilter.value.trim();
    if (tag) {
      const eq = tag.indexOf('=');
      if (eq < 1 || /['\s]/.test(tag.slice(0, eq)) || tag.includes("'")) {
        throw new Error('Write the tag filter as name=value (no quotes; dots for nested tags).');
      }
      where.push(`tags.${tag.slice(0, eq)} = '${tag.slice(eq + 1)}'`);
    }
    return k.query + (where.length ? ' WHERE ' + where.join(' AND ') : '');
  };

  const load = async () => {
    results.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    try {
      const page = await ctx.api.query(k.path + '/query', queryText(), PAGE, pages[index]);
      pages[index + 1] = page.continuation;
      results.replaceChildren(listTable(ctx, kind, page.items, load));
      fillPager(pager, index, !!page.continuation, step => { index += step; load(); });
    } catch (e) {
      results.replaceChildren(h('p', { class: 'muted' }, describeError(e)));
    }
  };

  const findForm = h('form', { class: 'inline', role: 'search' },
    field(`Find by ${k.idLabel.replace('Registration', 'registration').replace('Group', 'group')}`, findInput).row,
    h('button', { type: 'submit' }, 'Open'),
    field('Attestation', typeFilter).row, field('Status', statusFilter).row, field('Tag', tagFilter).row);
  findForm.addEventListener('submit', ev => {
    ev.preventDefault();
    if (findInput.value.trim()) location.hash = `#/enrollments/${kind}/${encodeURIComponent(findInput.value.trim())}`;
  });
  for (const f of [typeFilter, statusFilter, tagFilter]) f.addEventListener('change', () => { pages.length = 1; index = 0; load(); });

  target.replaceChildren(h('h1', {}, 'Enrollments'), tabs,
    h('div', { class: 'toolbar' }, findForm,
      ctx.can('EnrollmentWrite') ? h('a', { class: 'button primary', href: `#/enrollments/new/${kind}` },
        kind === 'group' ? 'Add enrollment group' : 'Add individual enrollment') : null),
    section(kind === 'group' ? 'Enrollment groups' : 'Individual enrollments', results, pager));
  load();
}

function listTable(ctx, kind, items, reload) {
  const k = kinds[kind];
  const cols = [
    [k.idLabel, e => h('a', { href: `#/enrollments/${kind}/${encodeURIComponent(k.id(e))}` }, k.id(e))],
    ['Attestation', e => attestationType(e)],
    ['Status', e => badge(e.provisioningStatus || 'enabled')],
    ['Allocation', e => e.allocationPolicy || 'default'],
    ['Updated', e => when(e.lastUpdatedDateTimeUtc)],
  ];
  if (ctx.can('EnrollmentWrite')) {
    cols.push(['Actions', e => h('span', { class: 'actions' },
      button(e.provisioningStatus === 'disabled' ? 'Enable' : 'Disable', () => toggle(ctx, kind, e).then(reload), 'small',
        `${e.provisioningStatus === 'disabled' ? 'Enable' : 'Disable'} ${k.id(e)}`),
      button('Delete', () => remove(ctx, kind, e).then(ok => ok && reload()), 'small danger', `Delete ${k.id(e)}`))]);
  }
  return table(cols, items);
}

async function toggle(ctx, kind, e) {
  const k = kinds[kind];
  const next = e.provisioningStatus === 'disabled' ? 'enabled' : 'disabled';
  const body = { ...e, provisioningStatus: next };
  delete body.registrationState;
  return attempt(() => ctx.api.put(`${k.path}/${encodeURIComponent(k.id(e))}`, body, e.etag),
    `${k.id(e)} is now ${next}.`);
}

async function remove(ctx, kind, e) {
  const k = kinds[kind];
  if (!confirmAction(`Delete ${k.noun} ${k.id(e)}? Devices will no longer be able to register through it.`)) return false;
  const done = await attempt(async () => {
    await ctx.api.del(`${k.path}/${encodeURIComponent(k.id(e))}`, e.etag);
    return true;
  }, `Deleted ${k.noun} ${k.id(e)}.`);
  return !!done;
}

// ---- shared form parts (create and edit) ----------------------------------------------------------------------

function policyFields(e = {}) {
  const allocation = select(ALLOCATION, e.allocationPolicy || '');
  const hubsInput = h('input', { type: 'text', value: (e.iotHubs || []).join(', '), autocomplete: 'off' });
  const status = select([['enabled', 'Enabled'], ['disabled', 'Disabled']], e.provisioningStatus || 'enabled');
  const rp = e.reprovisionPolicy || { updateHubAssignment: true, migrateDeviceData: true };
  const update = h('input', { type: 'checkbox', checked: rp.updateHubAssignment !== false });
  const migrate = h('input', { type: 'checkbox', checked: rp.migrateDeviceData !== false });
  const edge = h('input', { type: 'checkbox', checked: !!(e.capabilities && e.capabilities.iotEdge) });
  const twin = h('textarea', { rows: 8, spellcheck: 'false', class: 'code' },
    JSON.stringify(e.initialTwin || { tags: {}, properties: { desired: {} } }, null, 2));
  const twinError = h('p', { class: 'field-error', role: 'alert', hidden: true });
  twin.addEventListener('input', () => checkTwin(twin, twinError));
  const credentialPolicy = h('input', { type: 'text', value: e.credentialPolicyName || '', autocomplete: 'off',
    placeholder: 'default' });
  const rows = h('div', {},
    field('Provisioning status', status).row,
    field('Allocation policy', allocation).row,
    field('IoT hubs this may use', hubsInput, 'Host names, comma-separated; empty means every linked hub.').row,
    h('fieldset', {}, h('legend', {}, 'When a registered device registers again'),
      h('label', { class: 'check' }, update, ' Re-evaluate its hub assignment'),
      h('label', { class: 'check' }, migrate, ' Migrate its twin to the new hub')),
    h('label', { class: 'check' }, edge, ' IoT Edge device'),
    field('Certificate policy', credentialPolicy, 'credentialPolicyName: the certificate policy its devices\' CSRs are issued from; empty means default.').row,
    field('Initial twin (JSON)', twin, 'Tags and desired properties the device starts with: {"tags":{…},"properties":{"desired":{…}}}').row,
    twinError);
  return {
    rows,
    apply(body) {
      const parsed = checkTwin(twin, twinError);
      if (parsed === undefined) throw new Error('The initial twin is not valid JSON; fix it first.');
      body.provisioningStatus = status.value;
      body.allocationPolicy = allocation.value || null;
      const hubs = hubsInput.value.split(',').map(s => s.trim()).filter(Boolean);
      body.iotHubs = hubs.length ? hubs : null;
      body.reprovisionPolicy = { updateHubAssignment: update.checked, migrateDeviceData: migrate.checked };
      body.capabilities = { iotEdge: edge.checked };
      body.initialTwin = parsed;
      body.credentialPolicyName = credentialPolicy.value.trim() || null;
      return body;
    },
  };
}

function checkTwin(textarea, errorEl) {
  const checked = checkJsonField(textarea, errorEl, value => {
    if (typeof value !== 'object' || Array.isArray(value) || value === null) return 'The twin must be a JSON object.';
    const extra = Object.keys(value).filter(key => key !== 'tags' && key !== 'properties');
    if (extra.length) return `Unexpected field ${extra[0]}: the twin has "tags" and "properties" only.`;
    if (value.properties && (typeof value.properties !== 'object' || Object.keys(value.properties)
      .some(key => key !== 'desired'))) return 'properties may hold "desired" only.';
    return null;
  });
  return checked && checked.value;
}

// ---- create ---------------------------------------------------------------------------------------------------

function renderCreate(ctx, target, kind) {
  const k = kinds[kind];
  const idInput = h('input', { type: 'text', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9._:\\-]{1,128}' });
  const deviceId = h('input', { type: 'text', autocomplete: 'off' });
  const type = select(kind === 'group' ? [['symmetricKey', 'Symmetric key'], ['x509', 'X.509 (CA or intermediate)']]
    : [['symmetricKey', 'Symmetric key'], ['x509', 'X.509 (device certificate)'], ['tpm', 'TPM']], 'symmetricKey');
  const autoKeys = h('input', { type: 'checkbox', checked: true });
  const primaryKey = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const secondaryKey = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false' });
  const pemPrimary = h('input', { type: 'file', accept: '.pem,.crt,.cer' });
  const pemSecondary = h('input', { type: 'file', accept: '.pem,.crt,.cer' });
  const caRef = h('input', { type: 'text', autocomplete: 'off' });
  const ek = h('textarea', { rows: 4, spellcheck: 'false', class: 'code' });
  const sym = h('div', {}, h('label', { class: 'check' }, autoKeys, ' Generate keys'),
    h('div', { class: 'manual-keys', hidden: true }, field('Primary key (base64)', primaryKey).row,
      field('Secondary key (base64)', secondaryKey).row));
  autoKeys.addEventListener('change', () => { sym.querySelector('.manual-keys').hidden = autoKeys.checked; });
  const x509 = h('div', { hidden: true },
    field(kind === 'group' ? 'Primary signing certificate (PEM)' : 'Primary device certificate (PEM)', pemPrimary).row,
    field('Secondary certificate (PEM, optional)', pemSecondary).row,
    kind === 'group' ? field('…or a verified CA certificate by name', caRef,
      'The name of a certificate uploaded on the Certificates page (caReferences).').row : null);
  const tpm = h('div', { hidden: true }, field('Endorsement key (base64 TPM2B_PUBLIC)', ek,
    'As `tpm2_readpublic` or the device SDK prints it.').row);
  type.addEventListener('change', () => {
    sym.hidden = type.value !== 'symmetricKey';
    x509.hidden = type.value !== 'x509';
    tpm.hidden = type.value !== 'tpm';
  });
  const policy = policyFields();
  const form = h('form', { class: 'card form' },
    field(k.idLabel, idInput, kind === 'group' ? null : 'The ID the device registers with.').row,
    kind === 'individual' ? field('Device ID (optional)', deviceId, 'Defaults to the registration ID.').row : null,
    field('Attestation', type).row, sym, x509, tpm,
    h('h2', {}, 'Policies and initial twin'), policy.rows,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Save'),
      h('a', { href: `#/enrollments/${kind}`, class: 'button' }, 'Cancel')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const id = idInput.value.trim();
    try {
      if (!id) throw new Error(`${k.idLabel} is required.`);
      const body = kind === 'group' ? { enrollmentGroupId: id } : { registrationId: id };
      if (kind === 'individual' && deviceId.value.trim()) body.deviceId = deviceId.value.trim();
      let shownKeys = null;
      if (type.value === 'symmetricKey') {
        const keys = autoKeys.checked ? { primaryKey: newKey(), secondaryKey: newKey() }
          : { primaryKey: primaryKey.value.trim(), secondaryKey: secondaryKey.value.trim() };
        body.attestation = { type: 'symmetricKey', symmetricKey: keys };
        shownKeys = keys;
      } else if (type.value === 'x509') {
        const certs = {};
        if (pemPrimary.files.length) certs.primary = { certificate: await readFile(pemPrimary) };
        if (pemSecondary.files.length) certs.secondary = { certificate: await readFile(pemSecondary) };
        if (kind === 'group' && caRef.value.trim()) {
          body.attestation = { type: 'x509', x509: { caReferences: { primary: caRef.value.trim() } } };
        } else {
          if (!certs.primary) throw new Error('Choose the primary certificate\'s PEM file.');
          body.attestation = { type: 'x509', x509: kind === 'group' ? { signingCertificates: certs }
            : { clientCertificates: certs } };
        }
      } else {
        if (!ek.value.trim()) throw new Error('Paste the endorsement key.');
        body.attestation = { type: 'tpm', tpm: { endorsementKey: ek.value.trim().replace(/\s+/g, '') } };
      }
      policy.apply(body);
      const saved = await ctx.api.put(`${k.path}/${encodeURIComponent(id)}`, body);
      if (shownKeys) {
        showKeysOnce(target, kind, k.id(saved), shownKeys);
      } else {
        location.hash = `#/enrollments/${kind}/${encodeURIComponent(k.id(saved))}`;
        notify(`Created ${k.noun} ${k.id(saved)}.`, 'ok');
      }
    } catch (e) {
      notify(describeError(e));
    }
  });
  target.replaceChildren(h('h1', {}, kind === 'group' ? 'Add enrollment group' : 'Add individual enrollment'), form);
  idInput.focus();
}

function showKeysOnce(target, kind, id, keys) {
  target.replaceChildren(h('h1', {}, `Created ${kinds[kind].noun} ${id}`),
    section('Keys (shown once)',
      h('p', {}, 'Copy these keys now and store them where the device or factory tooling reads them. The portal will not show them again unprompted.'),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Primary key'), h('dd', {}, copyable(keys.primaryKey, 'primary key')),
        h('dt', {}, 'Secondary key'), h('dd', {}, copyable(keys.secondaryKey, 'secondary key'))),
      h('p', {}, h('a', { class: 'button primary', href: `#/enrollments/${kind}/${encodeURIComponent(id)}` },
        'I have saved the keys'))));
}

// ---- detail and edit --------------------------------------------------------------------------------------------

async function renderDetail(ctx, target, kind, id) {
  const k = kinds[kind];
  let e;
  try {
    e = await ctx.api.get(`${k.path}/${encodeURIComponent(id)}`);
  } catch (err) {
    target.replaceChildren(h('h1', {}, `${kind === 'group' ? 'Enrollment group' : 'Enrollment'} ${id}`),
      h('p', {}, describeError(err)), h('p', {}, h('a', { href: `#/enrollments/${kind}` }, 'Back to the list')));
    return;
  }
  const att = e.attestation || {};
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, 'Attestation'), h('dd', {}, attestationType(e)),
    h('dt', {}, 'Status'), h('dd', {}, badge(e.provisioningStatus || 'enabled')),
    e.deviceId ? [h('dt', {}, 'Device ID'), h('dd', {}, e.deviceId)] : null,
    h('dt', {}, 'Created'), h('dd', {}, when(e.createdDateTimeUtc)),
    h('dt', {}, 'Updated'), h('dd', {}, when(e.lastUpdatedDateTimeUtc)),
    e.credentialPolicyName ? [h('dt', {}, 'Certificate policy'), h('dd', {}, h('a',
      { href: `#/certificate-policies/${encodeURIComponent(e.credentialPolicyName)}` }, e.credentialPolicyName))] : null,
    h('dt', {}, 'ETag'), h('dd', {}, h('code', {}, e.etag || '—')),
    att.x509 ? [h('dt', {}, 'X.509'), h('dd', {}, x509Summary(att.x509))] : null,
    att.tpm ? [h('dt', {}, 'Endorsement key'), h('dd', {}, h('code', { class: 'wrap' }, att.tpm.endorsementKey))] : null);
  const parts = [h('h1', {}, `${kind === 'group' ? 'Enrollment group' : 'Enrollment'} ${k.id(e)}`), section('Details', facts)];
  if (att.symmetricKey) parts.push(keysSection(att.symmetricKey));
  if (kind === 'group' && att.symmetricKey) parts.push(derivedKeySection(att.symmetricKey.primaryKey));
  if (ctx.can('RegistrationStatusRead')) {
    parts.push(section('Registration records', kind === 'group'
      ? h('p', {}, h('a', { href: `#/registrations/group/${encodeURIComponent(k.id(e))}` }, 'Devices registered through this group'))
      : registrationOf(e)));
  }
  if (ctx.can('EnrollmentWrite')) parts.push(editSection(ctx, target, kind, e));
  target.replaceChildren(...parts);
}

function x509Summary(x) {
  const out = [];
  for (const [name, pair] of [['Client', x.clientCertificates], ['Signing', x.signingCertificates]]) {
    if (!pair) continue;
    for (const slot of ['primary', 'secondary']) {
      const c = pair[slot];
      if (!c) continue;
      const info = c.info || {};
      out.push(h('div', {}, `${name} (${slot}): ${info.subjectName || 'certificate'}`,
        info.sha256Thumbprint ? h('small', { class: 'muted' }, ` SHA-256 ${info.sha256Thumbprint}`) : null));
    }
  }
  if (x.caReferences) out.push(h('div', {}, `CA reference: ${x.caReferences.primary}`));
  return out.length ? out : '—';
}

function keysSection(keys) {
  const box = h('div', {}, button('Show keys', () => box.replaceChildren(h('dl', { class: 'facts' },
    h('dt', {}, 'Primary key'), h('dd', {}, copyable(keys.primaryKey, 'primary key')),
    h('dt', {}, 'Secondary key'), h('dd', {}, copyable(keys.secondaryKey, 'secondary key'))))));
  return section('Symmetric keys', box);
}

function derivedKeySection(groupKey) {
  const regId = h('input', { type: 'text', autocomplete: 'off' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline' }, field('Device registration ID', regId).row,
    h('button', { type: 'submit' }, 'Compute device key'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    if (!regId.value.trim()) return;
    const key = await hmacBase64(groupKey, regId.value.trim());
    out.replaceChildren(h('p', {}, `Device key for ${regId.value.trim()}: `, copyable(key, 'device key')));
  });
  return section('Derived device key', h('p', { class: 'muted' },
    'HMAC-SHA256 of the registration ID under the group\'s primary key, computed in this browser.'), form, out);
}

function registrationOf(e) {
  const r = e.registrationState;
  if (!r) return h('p', { class: 'muted' }, 'This device has not registered yet.');
  return h('p', {}, badge(r.status), ` ${r.assignedHub ? 'on ' + r.assignedHub : ''} `,
    h('a', { href: `#/registrations/${encodeURIComponent(r.registrationId)}` }, 'Open the registration record'));
}

function editSection(ctx, target, kind, e) {
  const k = kinds[kind];
  const policy = policyFields(e);
  const form = h('form', { class: 'form' }, policy.rows,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Save changes'),
      button('Delete', async () => {
        if (await remove(ctx, kind, e)) location.hash = `#/enrollments/${kind}`;
      }, 'danger')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const body = policy.apply({ ...e });
      delete body.registrationState;
      await ctx.api.put(`${k.path}/${encodeURIComponent(k.id(e))}`, body, e.etag);
      await renderDetail(ctx, target, kind, k.id(e));
      notify(`Saved ${k.noun} ${k.id(e)}.`, 'ok');
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        notify(`Someone changed this ${k.noun} after you opened it (your copy has etag ${e.etag}). Nothing was saved: reload it to see their change, then make yours again.`,
          'error', ['Reload', () => renderDetail(ctx, target, kind, k.id(e))]);
      } else {
        notify(describeError(err));
      }
    }
  });
  return section('Edit', form);
}
