// Linked hubs: list with health, link by connection string, change weight, unlink.
import { h, field, button, notify, table, badge, section, confirmAction, describeError } from '../ui.js';

export async function render(ctx, target) {
  const list = await ctx.api.get('/linkedHubs');
  const rows = table([
    ['Host name', x => h('code', {}, x.hostName)],
    ['Policy', x => x.keyName],
    ['Health', x => badge((x.health && x.health.status) || 'unknown', x.health && x.health.status === 'healthy' ? 'ok' : 'bad')],
    ['Devices', x => (x.health && x.health.deviceCount !== undefined ? x.health.deviceCount : '—')],
    ['Allocation weight', x => weightEditor(ctx, target, x)],
    ['Applies allocation policy', x => (x.applyAllocationPolicy ? 'yes' : 'no')],
    ['', x => button('Unlink', async () => {
      if (!confirmAction(`Unlink ${x.hostName}? Devices already there stay; new registrations will not go there.`)) return;
      try {
        await ctx.api.del(`/linkedHubs/${encodeURIComponent(x.hostName)}`);
        notify(`Unlinked ${x.hostName}.`, 'ok');
        render(ctx, target);
      } catch (e) {
        notify(describeError(e));
      }
    }, 'small danger', `Unlink ${x.hostName}`)],
  ], list || []);
  const cs = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true,
    placeholder: 'HostName=…;SharedAccessKeyName=iothubowner;SharedAccessKey=…' });
  const weight = h('input', { type: 'number', min: 0, max: 1000, value: 1 });
  const apply = h('input', { type: 'checkbox', checked: true });
  const form = h('form', { class: 'form' }, field('IoT hub connection string', cs,
    'A policy with registry write and service connect rights; Muster checks it against the hub before saving.').row,
    field('Allocation weight', weight).row, h('label', { class: 'check' }, apply, ' Apply allocation policy to this hub'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Link hub')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const host = /HostName=([^;]+)/i.exec(cs.value);
    if (!host) {
      notify('The connection string has no HostName.');
      return;
    }
    try {
      await ctx.api.put(`/linkedHubs/${encodeURIComponent(host[1].trim())}`, {
        connectionString: cs.value.trim(), allocationWeight: Number(weight.value), applyAllocationPolicy: apply.checked,
      });
      notify(`Linked ${host[1].trim()}.`, 'ok');
      render(ctx, target);
    } catch (e) {
      notify(describeError(e));
    }
  });
  target.replaceChildren(h('h1', {}, 'Linked hubs'), section('Hubs', rows), section('Link a hub', form));
}

function weightEditor(ctx, target, hub) {
  const input = h('input', { type: 'number', min: 0, max: 1000, value: hub.allocationWeight, class: 'narrow',
    'aria-label': `Allocation weight of ${hub.hostName}` });
  const form = h('form', { class: 'inline tight' }, input, h('button', { type: 'submit', class: 'small' }, 'Set'));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      await ctx.api.put(`/linkedHubs/${encodeURIComponent(hub.hostName)}`, { allocationWeight: Number(input.value) });
      notify(`Weight of ${hub.hostName} is now ${input.value}.`, 'ok');
    } catch (e) {
      notify(describeError(e));
    }
  });
  return form;
}
