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

/** One bar per day from the 1st to today, empty days included, so the chart reads as a timeline. */
function daysOfMonth(month, series) {
  const byDay = new Map(series.map(s => [s.start.slice(0, 10), s.operations || {}]));
  const points = [];
  for (let d = new Date(month); d <= new Date(); d = new Date(d.getTime() + 86400000)) {
    const ops = byDay.get(d.toISOString().slice(0, 10)) || {};
    const failed = ops.failedRegistration || 0;
    points.push({ label: String(d.getUTCDate()), ok: total(ops) - failed, failed });
  }
  return points;
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
    const kinds = Object.entries(u.operations || {}).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
    fill(usageCard, usageCard.firstChild,
      h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('span', { class: 'n' }, series.length ? todayOps : '—'), h('span', {}, 'operations today (UTC)')),
        h('div', { class: 'stat' }, h('span', { class: 'n' }, total(u.operations)), h('span', {}, 'operations this month')),
        h('div', { class: 'stat' }, h('span', { class: 'n' }, u.billedOperations ?? '—'), h('span', {}, 'billed this month'))),
      u.series ? barChart(daysOfMonth(month, series), 'Operations per day this month, UTC (failed registrations in red)')
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
