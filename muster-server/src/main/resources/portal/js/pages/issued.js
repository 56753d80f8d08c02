// The inventory of issued certificates as the portal shows it (on a registration and on a certificate policy).
import { h, table, badge, when } from '../ui.js';

/**
 * @param options.registration add the registration ID column (a policy's list)
 * @param options.revoke (certificate) => a revoke button for a certificate that is not revoked, or null
 */
export function issuedTable(certificates, { registration = false, revoke = null } = {}) {
  const columns = [];
  if (registration) {
    columns.push(['Registration', c => h('a', { href: `#/registrations/${encodeURIComponent(c.registrationId)}` },
      c.registrationId)]);
  }
  columns.push(
    ['Serial', c => h('code', {}, c.serialNumber)],
    ['SHA-256 thumbprint', c => h('code', { class: 'wrap' }, c.sha256Thumbprint)],
    ['Not after', c => when(c.notAfter)],
    ['Policy', c => h('a', { href: `#/certificate-policies/${encodeURIComponent(c.policyName)}` }, c.policyName)],
    ['Revoked', c => c.revokedAt ? badge(`revoked ${when(c.revokedAt)}`, 'bad') : badge('good', 'ok')]);
  if (revoke) columns.push(['', c => (c.revokedAt ? '' : revoke(c))]);
  return table(columns, certificates, 'Issued certificates, newest first');
}
