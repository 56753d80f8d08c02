// Live registrations: the server-sent event stream of this instance's finished registration attempts.
import { h, button, badge, section, when, describeError } from '../ui.js';

const KEEP = 200;

export async function render(ctx, target) {
  const body = h('tbody', {});
  const counts = { assigned: 0, failed: 0, disabled: 0 };
  const countEls = Object.fromEntries(Object.keys(counts).map(k => [k, h('span', { class: 'n zero' }, '0')]));
  const state = h('span', { class: 'stream-state', role: 'status' }, 'Connecting…');
  let paused = false;
  const pauseButton = button('Pause', () => {
    paused = !paused;
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
  });
  const empty = h('tr', { class: 'placeholder' }, h('td', { colspan: 6, class: 'empty' }, 'Waiting for devices to register…'));
  body.append(empty);
  target.replaceChildren(h('h1', {}, 'Live registrations'),
    h('p', { class: 'muted' }, 'Every registration attempt this node finishes, as it happens. Useful during a factory run.'),
    h('div', { class: 'stats' }, Object.keys(counts).map(k => h('div', { class: `stat ${k}` }, countEls[k], h('span', {}, k)))),
    section('Attempts', h('div', { class: 'toolbar' }, state, h('span', { class: 'actions' }, pauseButton,
      button('Clear', () => body.replaceChildren(empty)))),
    h('table', { id: 'live-table' }, h('thead', {}, h('tr', {}, ['Time', 'Registration ID', 'Outcome', 'Hub', 'Device ID',
      'Reason'].map(c => h('th', { scope: 'col' }, c)))), body)));

  const controller = new AbortController();
  const onEvent = (name, e) => {
    if (name !== 'registration' || typeof e !== 'object') return;
    if (counts[e.status] !== undefined) {
      counts[e.status] += 1;
      countEls[e.status].textContent = String(counts[e.status]);
      countEls[e.status].classList.remove('zero');
    }
    if (paused) return;
    empty.remove();
    body.prepend(h('tr', { class: `event ${e.status}` },
      h('td', { title: when(e.timestampUtc) }, new Date(e.timestampUtc).toLocaleTimeString()),
      h('td', {}, h('a', { href: `#/registrations/${encodeURIComponent(e.registrationId)}` }, e.registrationId)),
      h('td', {}, badge(e.status)),
      h('td', {}, e.assignedHub || '—'),
      h('td', {}, e.deviceId || '—'),
      h('td', {}, e.reason ? `${e.errorCode ? e.errorCode + ': ' : ''}${e.reason}` : (e.enrollmentGroupId ? `group ${e.enrollmentGroupId}` : ''))));
    while (body.children.length > KEEP) body.lastChild.remove();
  };
  (async () => {
    let delay = 1000;
    while (!controller.signal.aborted) {
      try {
        state.textContent = 'Connecting…';
        await ctx.api.stream('/events/registrations', onEvent, controller.signal, () => {
          state.textContent = 'Live';
          state.className = 'stream-state live';
        });
        state.className = 'stream-state down';
        state.textContent = 'The server ended the stream; reconnecting…';
        delay = 1000;
      } catch (e) {
        if (controller.signal.aborted) return;
        state.className = 'stream-state down';
        state.textContent = `Disconnected (${describeError(e)}); retrying…`;
      }
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 15000);
    }
  })();
  return () => controller.abort();
}
