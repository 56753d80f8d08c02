// Certificate policies: how the instance issues certificates to devices that send a CSR. List, create, edit (under
// the etag read), delete (refused for 'default' and for a policy enrollments name: the server says how many), and the
// certificates issued under one, newest first.
import { h, field, button, notify, table, section, confirmAction, describeError, fillPager } from '../ui.js';
import { issuedTable } from './issued.js';

const KEY_TYPES = [['ec-p256', 'ECDSA P-256'], ['ec-p384', 'ECDSA P-384'], ['rsa', 'RSA (2048 bits or more)']];
const PAGE = 25;

const path = name => `/certificatePolicies/${encodeURIComponent(name)}`;

export async function render(ctx, target, params) {
  if (params[0]) return renderOne(ctx, target, params[0]);
  const list = await ctx.api.get('/certificatePolicies');
  const rows = table([
    ['Name', p => h('a', { href: `#/certificate-policies/${encodeURIComponent(p.name)}` }, p.name)],
    ['Issuing CA', p => p.issuingCa],
    ['Validity (days)', p => String(p.validityDays)],
    ['Key types', p => (p.keyTypes || []).join(', ')],
    ['CRL URL', p => p.crlDistributionPoint || '—'],
  ], list || []);
  const parts = [h('h1', {}, 'Certificate policies'),
    h('p', { class: 'muted' }, 'Devices that send a CSR when they register get a certificate issued under their enrollment\'s credentialPolicyName, or under default. A change applies to certificates issued afterwards.'),
    section('Policies', rows)];
  if (ctx.can('EnrollmentWrite')) {
    parts.push(section('Add a certificate policy', policyForm(ctx, null, saved => {
      location.hash = `#/certificate-policies/${encodeURIComponent(saved.name)}`;
      notify(`Created certificate policy ${saved.name}.`, 'ok');
    })));
  }
  target.replaceChildren(...parts);
}

/** The create (policy null) or edit form; an edit is sent with the etag it was read with. */
function policyForm(ctx, policy, onSaved) {
  const name = h('input', { type: 'text', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9][A-Za-z0-9._-]{0,127}' });
  const days = h('input', { type: 'number', min: '1', max: '90', required: true,
    value: String(policy ? policy.validityDays : 30) });
  const ca = h('input', { type: 'text', required: true, autocomplete: 'off', value: policy ? policy.issuingCa : 'default' });
  const crl = h('input', { type: 'url', autocomplete: 'off', value: (policy && policy.crlDistributionPoint) || '',
    placeholder: 'http://pki.example.com/devices.crl' });
  const types = KEY_TYPES.map(([v, label]) => {
    const box = h('input', { type: 'checkbox', value: v,
      checked: policy ? (policy.keyTypes || []).includes(v) : true });
    return { v, row: h('label', { class: 'check' }, box, ` ${label}`), box };
  });
  const form = h('form', { class: 'form' },
    policy ? null : field('Policy name', name, 'Letters, digits, ., _ and -; enrollments name it in credentialPolicyName.').row,
    field('Validity (days)', days, '1 to 90.').row,
    h('fieldset', {}, h('legend', {}, 'Device key types accepted'), types.map(t => t.row)),
    field('Issuing CA', ca, 'The instance\'s CA that signs; default is generated per instance.').row,
    field('CRL distribution point', crl, 'Written into each certificate; leave empty for none.').row,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, policy ? 'Save policy' : 'Add policy')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const keyTypes = types.filter(t => t.box.checked).map(t => t.v);
    if (!keyTypes.length) {
      notify('Choose at least one key type.');
      return;
    }
    const body = { validityDays: Number(days.value), keyTypes, issuingCa: ca.value.trim() };
    if (crl.value.trim()) body.crlDistributionPoint = crl.value.trim();
    try {
      onSaved(await ctx.api.put(path(policy ? policy.name : name.value.trim()), body, policy && policy.etag));
    } catch (e) {
      notify(e.status === 412 ? 'Someone changed this policy after you opened it: reload the page and edit again.'
        : describeError(e));
    }
  });
  return form;
}

async function renderOne(ctx, target, policyName) {
  const policy = await ctx.api.get(path(policyName));
  const parts = [h('h1', {}, `Certificate policy ${policy.name}`),
    section('Details', h('dl', { class: 'facts' },
      h('dt', {}, 'Issuing CA'), h('dd', {}, policy.issuingCa),
      h('dt', {}, 'Validity'), h('dd', {}, `${policy.validityDays} days`),
      h('dt', {}, 'Key types'), h('dd', {}, (policy.keyTypes || []).join(', ')),
      h('dt', {}, 'CRL distribution point'), h('dd', {}, policy.crlDistributionPoint || '—'),
      h('dt', {}, 'ETag'), h('dd', {}, h('code', {}, policy.etag || '—'))))];
  if (ctx.can('EnrollmentWrite')) {
    parts.push(section('Edit', h('p', { class: 'muted' }, 'Certificates issued before a change keep what they were signed with.'),
      policyForm(ctx, policy, async saved => {
        await renderOne(ctx, target, saved.name);
        notify(`Saved certificate policy ${saved.name}.`, 'ok');
      })));
  }
  const issued = h('div', {});
  const pager = h('div', { class: 'pager' });
  parts.push(section('Certificates issued under this policy', issued, pager));
  if (ctx.can('EnrollmentWrite') && policy.name.toLowerCase() !== 'default') {
    parts.push(section('Remove', h('p', { class: 'muted' }, 'A policy that enrollments or groups name cannot be deleted; certificates issued under it stay valid.'),
      button('Delete policy', async () => {
        if (!confirmAction(`Delete certificate policy ${policy.name}?`)) return;
        try {
          await ctx.api.del(path(policy.name), policy.etag);
          location.hash = '#/certificate-policies';
          notify(`Deleted certificate policy ${policy.name}.`, 'ok');
        } catch (e) {
          notify(describeError(e));
        }
      }, 'danger')));
  }
  target.replaceChildren(...parts);
  if (ctx.can('RegistrationStatusRead')) loadIssued(ctx, policy.name, issued, pager);
  else issued.replaceChildren(h('p', {}, `Policy ${ctx.cs.keyName} lacks the RegistrationStatusRead right to list them.`));
}

function loadIssued(ctx, policyName, results, pager) {
  const pages = [null];
  let index = 0;
  const load = async () => {
    results.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    try {
      const headers = { 'x-ms-max-item-count': String(PAGE) };
      if (pages[index]) headers['x-ms-continuation'] = pages[index];
      const r = await ctx.api.call('GET', `${path(policyName)}/certificates`, { headers });
      pages[index + 1] = r.headers.get('x-ms-continuation');
      results.replaceChildren(issuedTable(r.body || [], { registration: true }));
      fillPager(pager, index, !!pages[index + 1], step => { index += step; load(); });
    } catch (e) {
      results.replaceChildren(h('p', {}, describeError(e)));
    }
  };
  load();
}
