// Registration records: one device's record with its failed attempts, a group's records (paged), delete.
import { h, field, button, notify, table, badge, section, when, confirmAction, describeError, fillPager } from '../ui.js';
import { issuedTable } from './issued.js';

const PAGE = 25;

export async function render(ctx, target, params) {
  if (params[0] === 'group' && params[1]) return renderGroup(ctx, target, params[1]);
  if (params[0]) return renderRecord(ctx, target, params[0]);
  return renderLookup(ctx, target);
}

function renderLookup(ctx, target) {
  const regId = h('input', { type: 'search', autocomplete: 'off' });
  const groupId = h('input', { type: 'search', autocomplete: 'off' });
  const one = h('form', { class: 'inline' }, field('Registration ID', regId).row, h('button', { type: 'submit' }, 'Open record'));
  const many = h('form', { class: 'inline' }, field('Enrollment group ID', groupId).row,
    h('button', { type: 'submit' }, 'List its records'));
  one.addEventListener('submit', ev => {
    ev.preventDefault();
    if (regId.value.trim()) location.hash = `#/registrations/${encodeURIComponent(regId.value.trim())}`;
  });
  many.addEventListener('submit', ev => {
    ev.preventDefault();
    if (groupId.value.trim()) location.hash = `#/registrations/group/${encodeURIComponent(groupId.value.trim())}`;
  });
  target.replaceChildren(h('h1', {}, 'Registration records'),
    section('One device', h('p', { class: 'muted' }, 'The record of a device that registered, and why its recent attempts failed.'), one),
    section('Devices of an enrollment group', many));
}

function renderGroup(ctx, target, groupId) {
  const results = h('div', {});
  const pager = h('div', { class: 'pager' });
  const pages = [null];
  let index = 0;
  const load = async () => {
    results.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    try {
      const page = await ctx.api.query(`/registrations/${encodeURIComponent(groupId)}/query`, 'SELECT * FROM registrations',
        PAGE, pages[index]);
      pages[index + 1] = page.continuation;
      results.replaceChildren(table([
        ['Registration ID', r => h('a', { href: `#/registrations/${encodeURIComponent(r.registrationId)}` }, r.registrationId)],
        ['Status', r => badge(r.status)],
        ['Hub', r => r.assignedHub || '—'],
        ['Device ID', r => r.deviceId || '—'],
        ['Updated', r => when(r.lastUpdatedDateTimeUtc)],
      ], page.items));
      fillPager(pager, index, !!page.continuation, step => { index += step; load(); });
    } catch (e) {
      results.replaceChildren(h('p', {}, describeError(e)));
    }
  };
  target.replaceChildren(h('h1', {}, `Registration records of group ${groupId}`),
    h('p', {}, h('a', { href: `#/enrollments/group/${encodeURIComponent(groupId)}` }, 'Open the enrollment group')),
    section('Devices', results, pager));
  load();
}

async function renderRecord(ctx, target, id) {
  const title = h('h1', {}, `Registration ${id}`);
  let record = null;
  let missing = null;
  try {
    record = await ctx.api.get(`/registrations/${encodeURIComponent(id)}`);
  } catch (e) {
    missing = describeError(e);
  }
  const parts = [title];
  if (record) {
    const groupId = ['symmetricKey', 'x509', 'tpm'].map(k => record[k] && record[k].enrollmentGroupId).find(Boolean);
    parts.push(section('Record', h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), h('dd', {}, badge(record.status)),
      h('dt', {}, 'Substatus'), h('dd', {}, record.substatus || '—'),
      h('dt', {}, 'Assigned hub'), h('dd', {}, record.assignedHub || '—'),
      h('dt', {}, 'Device ID'), h('dd', {}, record.deviceId || '—'),
      h('dt', {}, 'Enrollment'), h('dd', {}, groupId
        ? h('a', { href: `#/enrollments/group/${encodeURIComponent(groupId)}` }, `group ${groupId}`)
        : h('a', { href: `#/enrollments/individual/${encodeURIComponent(record.registrationId)}` }, 'individual enrollment')),
      h('dt', {}, 'Created'), h('dd', {}, when(record.createdDateTimeUtc)),
      h('dt', {}, 'Last updated'), h('dd', {}, when(record.lastUpdatedDateTimeUtc)),
      record.errorCode ? [h('dt', {}, 'Last error'), h('dd', {}, `${record.errorCode}: ${record.errorMessage || ''}`)] : null,
      h('dt', {}, 'Payload'), h('dd', {}, record.payload ? h('pre', { class: 'code' }, JSON.stringify(record.payload, null, 2)) : '—'),
      h('dt', {}, 'ETag'), h('dd', {}, h('code', {}, record.etag || '—'))),
      ctx.can('RegistrationStatusWrite') ? h('div', { class: 'buttons' }, button('Delete record', async () => {
        if (!confirmAction(`Delete the registration record of ${id}? The device keeps its hub identity; its next registration starts afresh.`)) return;
        try {
          await ctx.api.del(`/registrations/${encodeURIComponent(id)}`, record.etag);
          notify(`Deleted the registration record of ${id}.`, 'ok');
          renderRecord(ctx, target, id);
        } catch (e) {
          notify(describeError(e));
        }
      }, 'danger')) : null));
  } else {
    parts.push(section('Record', h('p', {}, missing)));
  }
  const attemptsCard = section('Recent failed attempts', h('p', { class: 'loading' }, 'Loading…'));
  parts.push(attemptsCard);
  const issuedCard = section('Issued certificates', h('p', { class: 'loading' }, 'Loading…'));
  parts.push(issuedCard);
  target.replaceChildren(...parts);
  loadIssued(ctx, id, issuedCard);
  try {
    const attempts = await ctx.api.get(`/registrations/${encodeURIComponent(id)}/attempts`);
    attemptsCard.append(table([
      ['When', a => when(a.timestampUtc)],
      ['Status', a => badge(a.status)],
      ['Error', a => a.errorCode || '—'],
      ['Reason (operators only)', a => a.reason || '—'],
    ], attempts || []));
  } catch (e) {
    attemptsCard.append(h('p', {}, describeError(e)));
  }
  attemptsCard.querySelector('.loading').remove();
}

/** The certificates issued for the registration's CSRs, each good one with a Revoke button (and Revoke all). */
async function loadIssued(ctx, id, card) {
  const base = `/registrations/${encodeURIComponent(id)}/certificates`;
  let list;
  try {
    list = await ctx.api.get(base);
  } catch (e) {
    card.replaceChildren(card.querySelector('h2'), h('p', {}, describeError(e)));
    return;
  }
  const revoke = async (serial, what) => {
    if (!confirmAction(`Revoke ${what} of ${id}? The built-in hub refuses ${serial ? 'it' : 'them'} from the device's next connection.`)) return;
    try {
      const r = await ctx.api.post(base + '/revoke' + (serial ? `?serialNumber=${encodeURIComponent(serial)}` : ''));
      notify(`Revoked ${r.revoked.length} certificate${r.revoked.length === 1 ? '' : 's'} of ${id}.`, 'ok');
      loadIssued(ctx, id, card);
    } catch (e) {
      notify(describeError(e));
    }
  };
  const canRevoke = ctx.can('RegistrationStatusWrite');
  const good = (list || []).filter(c => !c.revokedAt);
  card.replaceChildren(card.querySelector('h2'),
    h('p', { class: 'muted' }, 'Certificates issued for the CSRs this device sent when it registered. Why a CSR was refused is in the failed attempts above.'),
    issuedTable(list || [], { revoke: canRevoke ? c => button('Revoke', () => revoke(c.serialNumber, `certificate ${c.serialNumber}`),
      'small danger', `Revoke certificate ${c.serialNumber}`) : null }),
    canRevoke && good.length > 1 ? h('div', { class: 'buttons' },
      button('Revoke all', () => revoke(null, `all ${good.length} good certificates`), 'danger')) : null);
}
