// `cookies`: session-like cookies carry Secure and HttpOnly, and say SameSite.
import { headerValues, withHttpClient } from './http-client.js';
import { stringList } from './options.js';
import type { Check, CheckOutcome } from './types.js';

const SESSION_LIKE = /sess|login|auth|token/i;

export interface CookieFlags {
  name: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: string | null;
}

export function parseSetCookie(line: string): CookieFlags {
  const [pair = '', ...attributes] = line.split(';');
  const name = pair.split('=')[0]?.trim() ?? '';
  const flags: CookieFlags = { name, secure: false, httpOnly: false, sameSite: null };
  for (const attribute of attributes) {
    const [key = '', value = ''] = attribute.split('=').map((s) => s.trim());
    const lower = key.toLowerCase();
    if (lower === 'secure') flags.secure = true;
    else if (lower === 'httponly') flags.httpOnly = true;
    else if (lower === 'samesite') flags.sameSite = value || null;
  }
  return flags;
}

export const cookies: Check = (ctx, options) =>
  withHttpClient(ctx, async (http): Promise<CheckOutcome> => {
    const paths = stringList(options, 'paths', [ctx.target.url.pathname + ctx.target.url.search]);
    const seen: CookieFlags[] = [];
    for (const path of paths) {
      const response = await http.request(new URL(path, ctx.target.url), { maxBodyBytes: 4 * 1024 });
      seen.push(...headerValues(response.headers, 'set-cookie').map(parseSetCookie));
    }
    const session = seen.filter((c) => SESSION_LIKE.test(c.name));
    const evidence = { paths, cookies: seen, sessionCookies: session.map((c) => c.name) };
    if (session.length === 0) {
      return {
        status: 'pass',
        summary: `${seen.length} cookies set, none session-like (want Secure; HttpOnly on session cookies)`,
        evidence,
      };
    }
    const missing = session.flatMap((c) => {
      const flags = [!c.secure ? 'Secure' : '', !c.httpOnly ? 'HttpOnly' : ''].filter(Boolean);
      return flags.length ? [`${c.name} lacks ${flags.join(' and ')}`] : [];
    });
    if (missing.length > 0) {
      return { status: 'fail', summary: `${missing.join('; ')} (want Secure; HttpOnly)`, evidence };
    }
    const noSameSite = session.filter((c) => !c.sameSite).map((c) => c.name);
    if (noSameSite.length > 0) {
      return {
        status: 'warn',
        summary: `${noSameSite.join(', ')} without SameSite (want SameSite=Lax or Strict)`,
        evidence,
      };
    }
    return {
      status: 'pass',
      summary: `${session.map((c) => c.name).join(', ')}: Secure; HttpOnly; SameSite (want all three)`,
      evidence,
    };
  });
