// The service API client of the portal: signs each call with a service SAS token (reference §4.3), computed here
// with Web Crypto; the key never leaves the page.

const enc = new TextEncoder();

/** @param what whose connection string, for the message when it is not one */
export function parseConnectionString(text, what = 'service') {
  const parts = {};
  for (const piece of String(text || '').trim().split(';')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts[piece.slice(0, eq).trim().toLowerCase()] = piece.slice(eq + 1).trim();
  }
  const hostName = parts.hostname, keyName = parts.sharedaccesskeyname, key = parts.sharedaccesskey;
  if (!hostName || !keyName || !key) {
    throw new Error(`A ${what} connection string looks like HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`);
  }
  base64ToBytes(key); // throws on a key that is not base64
  return { hostName, keyName, key };
}

export function base64ToBytes(b64) {
  let bin;
  try {
    bin = atob(b64.replace(/-/g, '+').replace(/_/g, '/'));
  } catch (e) {
    throw new Error('The key is not valid base64.');
  }
  return Uint8Array.from(bin, c => c.charCodeAt(0));
}

export function bytesToBase64(bytes) {
  let bin = '';
  for (const b of new Uint8Array(bytes)) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** base64 HMAC-SHA256 of text under a base64 key: SAS signatures and group-derived device keys. */
export async function hmacBase64(keyBase64, text) {
  const key = await crypto.subtle.importKey('raw', base64ToBytes(keyBase64), { name: 'HMAC', hash: 'SHA-256' },
    false, ['sign']);
  return bytesToBase64(await crypto.subtle.sign('HMAC', key, enc.encode(text)));
}

/** A new random 64-byte key, base64, as Azure generates for symmetric-key enrollments. */
export function newKey() {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(64)));
}

/** sr = URL-encoded lower-case host name, string to sign = sr + "\n" + expiry (as the Java service SDK does). */
export async function serviceSasToken(cs, expirySeconds) {
  const sr = encodeURIComponent(cs.hostName.toLowerCase());
  const sig = await hmacBase64(cs.key, sr + '\n' + expirySeconds);
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expirySeconds}&skn=${encodeURIComponent(cs.keyName)}`;
}

export class ApiError extends Error {
  constructor(status, body) {
    const msg = body && body.message ? body.message : `HTTP ${status}`;
    super(msg);
    this.status = status;
    this.errorCode = body && body.errorCode;
    this.trackingId = body && body.trackingId;
  }

  describe() {
    return (this.errorCode ? `${this.errorCode}: ` : `HTTP ${this.status}: `) + this.message;
  }
}

export class Api {
  constructor(cs) {
    this.cs = cs;
    this.cached = null;
  }

  async authorization() {
    const now = Math.floor(Date.now() / 1000);
    if (!this.cached || this.cached.expiry - now < 300) {
      const expiry = now + 3600;
      this.cached = { expiry, token: await serviceSasToken(this.cs, expiry) };
    }
    return this.cached.token;
  }

  /** One call; resolves to {status, headers, body} or throws ApiError with the server's Azure-shaped error. */
  /** @param raw a text request body instead of a JSON one (its Content-Type goes in headers) */
  async call(method, path, { body, raw, headers = {} } = {}) {
    const h = { Authorization: await this.authorization(), Accept: 'application/json', ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    const res = await fetch(this.url(path), {
      method, headers: h, body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    const text = await res.text();
    let json = null;
    if (text) {
      try { json = JSON.parse(text); } catch (e) { json = { message: text }; }
    }
    if (!res.ok) throw this.error(res.status, json, res.headers);
    return { status: res.status, headers: res.headers, body: json };
  }

  /** Where a call goes: this page's own host (the provisioning service), with its API version. */
  url(path) {
    return path + (path.includes('?') ? '&' : '?') + 'api-version=2021-10-01';
  }

  /** The ApiError an unsuccessful answer becomes. */
  error(status, json) {
    return new ApiError(status, json);
  }

  async get(path) { return (await this.call('GET', path)).body; }
  async put(path, body, etag) { return (await this.call('PUT', path, { body, headers: ifMatch(etag) })).body; }
  async post(path, body) { return (await this.call('POST', path, { body })).body; }
  async del(path, etag) { await this.call('DELETE', path, { headers: ifMatch(etag) }); }

  /** One page of a query: {items, continuation}. */
  async query(path, queryText, pageSize, continuation) {
    const headers = { 'x-ms-max-item-count': String(pageSize) };
    if (continuation) headers['x-ms-continuation'] = continuation;
    const r = await this.call('POST', path, { body: { query: queryText }, headers });
    return { items: r.body || [], continuation: r.headers.get('x-ms-continuation') };
  }

  /**
   * Reads a server-sent event stream with the Authorization header (EventSource cannot send one); calls onEvent
   * with each event's name and parsed data until the signal aborts. Resolves when the stream ends.
   */
  async stream(path, onEvent, signal, onOpen) {
    const res = await fetch(path, {
      headers: { Authorization: await this.authorization(), Accept: 'text/event-stream' }, signal, cache: 'no-store',
    });
    if (!res.ok) {
      let json = null;
      try { json = await res.json(); } catch (e) { /* not JSON */ }
      throw new ApiError(res.status, json);
    }
    if (onOpen) onOpen();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length) {
          try { onEvent(name, JSON.parse(data.join('\n'))); } catch (e) { onEvent(name, data.join('\n')); }
        }
      }
    }
  }
}

function ifMatch(etag) {
  return etag ? { 'If-Match': etag.startsWith('"') ? etag : `"${etag}"` } : {};
}
