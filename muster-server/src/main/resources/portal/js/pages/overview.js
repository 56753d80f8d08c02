// Overview: the instance's identity, linked hubs with health, operations over time and recent refusals.
import { h, fill, section, table, badge, when, describeError } from '../ui.js';
import { barChart } from '../chart.js';

function startOfDay() {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function startOfMonth() {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function total(ops) {
  return Object.values(ops || {}).reduce((a, b) => a + b, 0);
}

function unavailable(e) {
  return h('p', { class: 'muted' }, `Not available: ${describeError(e)}`);
}

export async function render(ctx, target) {
  const i = ctx.instance;
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, 'ID scope'), h('dd', {}, h('code', {}, i.idScope || '—')),
    h('dt', {}, 'Global device endpoint'), h('dd', {}, h('code', {}, i.globalEndpoint || '—')),
    h('dt', {}, 'Service host name'), h('dd', {}, h('code', {}, i.serviceHostName || ctx.cs.hostName)),
    h('dt', {}, 'Allocation policy'), h('dd', {}, i.allocationPolicy || '—'),
    i.quotas ? [h('dt', {}, 'Quotas'), h('dd', {}, Object.entries(i.quotas)
      .map(([k, v]) => `${k}: ${v === null ? 'unlimited' : v}`).join(' · '))] : null);
  const hubsCard = section('Linked hubs', h('p', { class: 'loading' }, 'Checking hub health…'));
  const usageCard = section('Operations', h('p', { class: 'loading' }, 'Loading usage…'));
  const failuresCard = section('Recent failed registrations', h('p', { class: 'loading' }, 'Loading…'));
  fill(target, h('h1', {}, `Instance ${i.name || ''}`), section('Instance', facts),
    ctx.can('ServiceConfig') ? [usageCard, hubsCard, failuresCard]
      : h('p', { class: 'muted' }, 'Usage, linked hubs and failed registrations need the ServiceConfig right.'));
  if (!ctx.can('ServiceConfig')) return;

  ctx.api.get('/linkedHubs').then(list => {
    hubsCard.replaceChildren(hubsCard.firstChild, table([
      ['Host name', x => h('code', {}, x.hostName)],
      ['Health', x => badge((x.health && x.health.status) || 'unknown', x.health && x.health.status === 'healthy' ? 'ok' : 'bad')],
      ['Devices', x => (x.health && x.health.deviceCount !== undefined ? x.health.deviceCount : '—')],
      ['Weight', x => x.allocationWeight],
      ['Latency', x => (x.health && x.health.latencyMs !== undefined ? `${x.health.latencyMs} ms` : '—')],
    ], list || []), h('p', {}, h('a', { href: '#/hubs' }, 'Manage linked hubs')));
  }, e => hubsCard.replaceChildren(hubsCard.firstChild, unavailable(e)));

  const month = startOfMonth();
  const today = startOfDay();
  ctx.api.get(`/usage?since=${encodeURIComponent(month.toISOString())}&granularity=day`).then(u => {
    const series = u.series || [];
    const todayOps = series.filter(s => new Date(s.start) >= today).reduce((a, s) => a + total(s.operations), 0);
    const kinds = Object.entries(u.operations || {}).sort((a, b) => b[1] - a[1]);
    fill(usageCard, usageCard.firstChild,
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('span', { class: 'n' }, series.length ? todayOps : '—'), h('span', {}, 'operations today (UTC)')),
        h('div', { class: 'stat' }, h('span', { class: 'n' }, total(u.operations)), h('span', {}, 'operations this month')),
        h('div', { class: 'stat' }, h('span', { class: 'n' }, u.billedOperations ?? '—'), h('span', {}, 'billed this month'))),
      series.length ? barChart(series.map(s => ({
        label: s.start.slice(5, 10),
        ok: total(s.operations) - (s.operations.failedRegistration || 0),
        failed: s.operations.failedRegistration || 0,
      })), 'Operations per day this month (failed registrations in red)')
        : h('p', { class: 'muted' }, 'No per-day series from this server.'),
      kinds.length ? h('p', { class: 'muted' }, 'By kind: ' + kinds.map(([k, v]) => `${k} ${v}`).join(' · ')) : null);
  }, e => usageCard.replaceChildren(usageCard.firstChild, unavailable(e)));

  ctx.api.get('/usage/failures?top=10').then(list => {
    failuresCard.replaceChildren(failuresCard.firstChild, table([
      ['When', x => when(x.timestampUtc)],
      ['Registration ID', x => h('a', { href: `#/registrations/${encodeURIComponent(x.registrationId)}` }, x.registrationId)],
      ['Status', x => badge(x.status)],
      ['Error', x => x.errorCode || '—'],
      ['Reason', x => x.reason || '—'],
    ], list || []));
  }, e => failuresCard.replaceChildren(failuresCard.firstChild, unavailable(e)));
}
