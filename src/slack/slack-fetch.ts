// The transport under every WebClient of Golive: undici's request() instead of the global fetch. A chat.update is
// the hot Slack call (a render per changed message); through Node's fetch it cost ~1.5–2 ms of the event loop on
// the bench machine (WHATWG streams, Request/Response objects), through request() ~0.8 ms, and acks wait behind it
// (bench/ack.ts). WebClient asks only for the small FetchFunction shape below, so nothing else changes.
import { request } from 'undici';
import type { webApi } from '@slack/bolt';

type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;

/** Headers as undici answers them (lower-case names, repeated ones as arrays), read the way fetch reads them. */
function fetchHeaders(raw: Record<string, string | string[] | undefined>): FetchResponse['headers'] {
  const get = (name: string): string | null => {
    const value = raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return {
    get,
    entries: () => Object.keys(raw).map((name): [string, string] => [name, get(name) ?? '']),
  };
}

/**
 * A FetchFunction over undici's request(). The body is read whole before it answers (Slack's answers are small
 * JSON), so a socket is never left holding an unread body. A redirect under `redirect: 'error'` (what WebClient
 * asks) fails the call as fetch fails it, and is never followed: a token must not go elsewhere. A multipart body
 * (WebClient's file uploads, which Golive does not use) goes through the global fetch, which builds its boundary.
 */
export const slackFetch: webApi.FetchFunction = async (url, init = {}) => {
  if (init.body !== undefined && typeof init.body !== 'string') return globalThis.fetch(url, init);
  const answer = await request(url, {
    method: init.method === undefined ? 'GET' : (init.method.toUpperCase() as 'GET' | 'POST'),
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  const bytes = Buffer.from(await answer.body.arrayBuffer());
  const status = answer.statusCode;
  if (init.redirect === 'error' && status >= 300 && status < 400 && answer.headers.location !== undefined)
    throw new TypeError(`Slack answered a redirect (${status}) and redirects are refused`);
  return {
    ok: status >= 200 && status < 300,
    status,
    // HTTP/1.1 reason phrases are optional and undici does not keep them; WebClient only puts it in error messages.
    statusText: '',
    url: String(url),
    headers: fetchHeaders(answer.headers),
    arrayBuffer: () => Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
    text: () => Promise.resolve(bytes.toString('utf8')),
    json: () => Promise.resolve(JSON.parse(bytes.toString('utf8')) as unknown),
  };
};
