// Shared access policies: rights, keys (hidden until asked), connection strings, key regeneration.
import { h, button, notify, table, section, copyable, confirmAction, describeError } from '../ui.js';

export async function render(ctx, target) {
  const list = await ctx.api.get('/policies');
  const host = ctx.instance.serviceHostName || ctx.cs.hostName;
  const keys = h('div', { 'aria-live': 'polite' });
  const rows = table([
    ['Policy', p => h('strong', {}, p.keyName)],
    ['Rights', p => (Array.isArray(p.rights) ? p.rights.join(', ') : p.rights)],
    ['Keys', p => button('Show', () => showKeys(keys, p, host), 'small', `Show the keys of ${p.keyName}`)],
    ['Regenerate', p => h('span', { class: 'actions' },
      ['primary', 'secondary'].map(slot => button(`${slot[0].toUpperCase()}${slot.slice(1)} key`, async () => {
        const own = p.keyName === ctx.cs.keyName;
        if (!confirmAction(`Regenerate the ${slot} key of ${p.keyName}? Everything signing with it stops working.`
          + (own ? ' You are signed in with this policy: if it is your key, sign in again with the new one.' : ''))) return;
        try {
          await ctx.api.post(`/policies/${encodeURIComponent(p.keyName)}/regenerateKey`, { keyType: slot });
          notify(`Regenerated the ${slot} key of ${p.keyName}.`, 'ok');
          render(ctx, target).catch(e => notify(describeError(e)));
        } catch (e) {
          notify(describeError(e));
        }
      }, 'small', `Regenerate the ${slot} key of ${p.keyName}`)))],
  ], list || []);
  target.replaceChildren(h('h1', {}, 'Access policies'), section('Shared access policies', rows), keys);
}

function showKeys(box, p, host) {
  box.replaceChildren(section(`Keys of ${p.keyName}`, h('dl', { class: 'facts' },
    h('dt', {}, 'Primary key'), h('dd', {}, copyable(p.primaryKey, `primary key of ${p.keyName}`)),
    h('dt', {}, 'Secondary key'), h('dd', {}, copyable(p.secondaryKey, `secondary key of ${p.keyName}`)),
    h('dt', {}, 'Connection string'), h('dd', {}, copyable(
      `HostName=${host};SharedAccessKeyName=${p.keyName};SharedAccessKey=${p.primaryKey}`,
      `connection string of ${p.keyName}`))),
  button('Hide', () => box.replaceChildren(), 'small')));
}
