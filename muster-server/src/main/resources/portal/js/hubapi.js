// A built-in hub's REST API, called from the browser on the hub's own host exactly as a back end calls it: each call
// signed with a SAS token of the hub policy the operator pasted (sr = the hub host, skn = the policy). The key stays in
// this tab and is never sent to the provisioning service. The hub answers cross-origin calls (CORS) for this page.
import { Api, ApiError, parseConnectionString } from './api.js';

export const API_VERSION = '2021-04-12';

/** IoT Hub's error: the numeric code and the message are JSON nested inside the body's Message, maybe twice. */
export class HubApiError extends ApiError {
  constructor(status, json, errorName) {
    const inner = innermost(json);
    super(status, { message: inner.message, errorCode: inner.errorCode, trackingId: inner.trackingId });
    this.errorName = errorName || inner.errorName;
  }

  describe() {
    const code = [this.errorCode || `HTTP ${this.status}`, this.errorName].filter(Boolean).join(' ');
    return `${code}: ${this.message}`;
  }
}

/**
 * Follows Message into the JSON it carries (from its first brace: it may start with "ErrorCode:Name;text;") down to
 * the innermost level, which holds the numeric errorCode and the message; drops the "ErrorCode:Name;" prefix.
 */
export function innermost(json) {
  let level = json || {};
  let errorCode = level.errorCode;
  for (let depth = 0; depth < 4 && typeof level.Message === 'string'; depth++) {
    const text = level.Message;
    const brace = text.indexOf('{');
    let next = null;
    if (brace >= 0) {
      try { next = JSON.parse(text.slice(brace)); } catch (e) { next = null; }
    }
    if (!next || typeof next !== 'object') {
      level = { message: text };
      break;
    }
    level = next;
    errorCode = level.errorCode || errorCode;
  }
  const raw = String(level.message || level.Message || '');
  const named = /^ErrorCode:([^;]*);/.exec(raw);
  return {
    errorCode: level.errorCode || errorCode,
    errorName: named ? named[1] : undefined,
    message: (named ? raw.slice(named[0].length) : raw) || 'No message.',
    trackingId: level.trackingId,
  };
}

export class HubApi extends Api {
  /** @param connectionString the hub's HostName=…;SharedAccessKeyName=…;SharedAccessKey=… */
  constructor(connectionString) {
    super(parseConnectionString(connectionString, 'hub'));
  }

  get hostName() {
    return this.cs.hostName;
  }

  /** A call the browser could not make at all (no such host, untrusted certificate, CORS refused) says where. */
  async call(method, path, options) {
    try {
      return await super.call(method, path, options);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      throw new Error(`Could not reach the hub at https://${this.cs.hostName}: ${e.message}. Is it a built-in hub of`
        + ' this Muster, and does this browser trust its certificate?');
    }
  }

  /** The hub's host, on this page's port: a Muster serves its hubs on the listener that serves the portal. */
  url(path) {
    const port = location.port ? `:${location.port}` : '';
    return `https://${this.cs.hostName}${port}${path}${path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`;
  }

  error(status, json, headers) {
    return new HubApiError(status, json, headers && headers.get('iothub-errorcode'));
  }

  /** POST with a text body (Muster's C2D extension takes the message body as the request body). */
  async send(path, text, headers) {
    await this.call('POST', path, { raw: text, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
  }
}
