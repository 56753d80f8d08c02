// CA certificates: upload, proof of possession (verification code, then a certificate signed by the CA), delete.
import { h, field, button, notify, table, badge, section, when, readFile, copyable, confirmAction,
  describeError } from '../ui.js';

export async function render(ctx, target, params) {
  if (params[0]) return renderOne(ctx, target, params[0]);
  const list = (await ctx.api.get('/certificates')).value || [];
  const rows = table([
    ['Name', c => h('a', { href: `#/certificates/${encodeURIComponent(c.name)}` }, c.name)],
    ['Subject', c => c.properties.subject],
    ['Verified', c => badge(c.properties.isVerified ? 'verified' : 'unverified', c.properties.isVerified ? 'ok' : 'warn')],
    ['Expires', c => when(c.properties.expiry)],
    ['SHA-1 thumbprint', c => h('code', {}, c.properties.thumbprint)],
  ], list);
  const name = h('input', { type: 'text', required: true, autocomplete: 'off', pattern: '[A-Za-z0-9_-]{1,64}' });
  const file = h('input', { type: 'file', accept: '.pem,.crt,.cer', required: true });
  const verified = h('input', { type: 'checkbox' });
  const form = h('form', { class: 'form' }, field('Name', name, 'Letters, digits, - and _.').row,
    field('CA certificate (PEM)', file).row,
    h('label', { class: 'check' }, verified, ' Mark as verified now (skip proof of possession)'),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Upload')));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    try {
      const pem = await readFile(file);
      const saved = await ctx.api.put(`/certificates/${encodeURIComponent(name.value.trim())}`,
        { certificate: pem, isVerified: verified.checked });
      location.hash = `#/certificates/${encodeURIComponent(saved.name)}`;
      notify(`Uploaded ${saved.name}.`, 'ok');
    } catch (e) {
      notify(describeError(e));
    }
  });
  target.replaceChildren(h('h1', {}, 'Certificates'), section('CA certificates', rows),
    section('Upload a CA certificate', form));
}

async function renderOne(ctx, target, name) {
  const c = await ctx.api.get(`/certificates/${encodeURIComponent(name)}`);
  const p = c.properties;
  const parts = [h('h1', {}, `Certificate ${c.name}`),
    section('Details', h('dl', { class: 'facts' },
      h('dt', {}, 'Subject'), h('dd', {}, p.subject),
      h('dt', {}, 'State'), h('dd', { id: 'cert-state' }, badge(p.isVerified ? 'verified' : 'unverified', p.isVerified ? 'ok' : 'warn')),
      h('dt', {}, 'Valid'), h('dd', {}, `${when(p.notBefore)} – ${when(p.expiry)}`),
      h('dt', {}, 'SHA-1 thumbprint'), h('dd', {}, h('code', {}, p.thumbprint)),
      h('dt', {}, 'SHA-256 thumbprint'), h('dd', {}, h('code', { class: 'wrap' }, p.sha256Thumbprint)),
      h('dt', {}, 'ETag'), h('dd', {}, h('code', {}, c.etag))))];
  if (!p.isVerified) {
    const codeBox = h('div', { 'aria-live': 'polite' });
    const file = h('input', { type: 'file', accept: '.pem,.crt,.cer' });
    let etag = c.etag;
    const showCode = code => codeBox.replaceChildren(h('p', {}, 'Verification code: ', copyable(code, 'verification code')),
      h('p', { class: 'muted' }, 'Issue a certificate whose subject common name is this code, signed with this CA\'s private key, then upload it below. For example: openssl req -new -key ca-key.pem -subj "/CN=CODE" | openssl x509 -req -CA ca.pem -CAkey ca-key.pem -out verify.pem'));
    if (p.verificationCode) showCode(p.verificationCode);
    const verifyForm = h('form', { class: 'form' }, field('Verification certificate (PEM)', file).row,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Verify')));
    verifyForm.addEventListener('submit', async ev => {
      ev.preventDefault();
      try {
        const pem = await readFile(file);
        await ctx.api.call('POST', `/certificates/${encodeURIComponent(name)}/verify`,
          { body: { certificate: pem }, headers: { 'If-Match': etag } });
        await renderOne(ctx, target, name);
        notify(`${name} is verified.`, 'ok');
      } catch (e) {
        notify(describeError(e));
      }
    });
    parts.push(section('Proof of possession', h('p', {}, 'Prove you hold this CA\'s private key before devices may rely on it.'),
      button('Generate verification code', async () => {
        try {
          const r = (await ctx.api.call('POST', `/certificates/${encodeURIComponent(name)}/generateVerificationCode`,
            { headers: { 'If-Match': etag } })).body;
          etag = r.etag;
          showCode(r.properties.verificationCode);
        } catch (e) {
          notify(describeError(e));
        }
      }), codeBox, verifyForm));
  }
  parts.push(section('Remove', button('Delete certificate', async () => {
    if (!confirmAction(`Delete certificate ${name}? Groups that reference it stop working.`)) return;
    try {
      await ctx.api.del(`/certificates/${encodeURIComponent(name)}`, c.etag);
      location.hash = '#/certificates';
      notify(`Deleted ${name}.`, 'ok');
    } catch (e) {
      notify(describeError(e));
    }
  }, 'danger')));
  target.replaceChildren(...parts);
}
