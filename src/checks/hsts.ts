// `hsts`: the HTTPS answer carries Strict-Transport-Security with a long enough max-age.
import { headerValues, withHttpClient } from './http-client.js';
import { numberOption } from './options.js';
import type { Check } from './types.js';

export const HSTS_MIN_MAX_AGE = 15_552_000; // 180 days, the Observatory's bar

export type HstsParse =
  | { ok: true; maxAge: number; includeSubDomains: boolean; preload: boolean }
  | { ok: false; reason: string };

/** Parses a Strict-Transport-Security value per RFC 6797 (directives case-insensitive, each at most once). */
export function parseHsts(value: string): HstsParse {
  const seen = new Set<string>();
  let maxAge: number | undefined;
  for (const part of value.split(';')) {
    const directive = part.trim();
    if (!directive) continue;
    const eq = directive.indexOf('=');
    const name = (eq < 0 ? directive : directive.slice(0, eq)).trim().toLowerCase();
    if (seen.has(name)) return { ok: false, reason: `directive ${name} repeated` };
    seen.add(name);
    if (name === 'max-age') {
      const raw =
        eq < 0
          ? ''
          : directive
              .slice(eq + 1)
              .trim()
              .replace(/^"(.*)"$/, '$1');
      if (!/^\d+$/.test(raw)) return { ok: false, reason: `max-age "${raw}" is not a number` };
      maxAge = Number(raw);
    }
  }
  if (maxAge === undefined) return { ok: false, reason: 'no max-age' };
  return { ok: true, maxAge, includeSubDomains: seen.has('includesubdomains'), preload: seen.has('preload') };
}

export const hsts: Check = (ctx, options) =>
  withHttpClient(ctx, async (http) => {
    const min = numberOption(options, 'min_max_age', HSTS_MIN_MAX_AGE);
    const response = await http.request(ctx.target.url, { maxBodyBytes: 4 * 1024 });
    const values = headerValues(response.headers, 'strict-transport-security');
    const header = values[0];
    const evidence: Record<string, unknown> = { url: response.url, status: response.status, header: header ?? null };
    if (header === undefined) {
      return { status: 'fail', summary: `no Strict-Transport-Security header (want max-age ≥ ${min})`, evidence };
    }
    const parsed = parseHsts(header);
    if (!parsed.ok) {
      return {
        status: 'fail',
        summary: `invalid Strict-Transport-Security: ${parsed.reason} (want max-age ≥ ${min})`,
        evidence,
      };
    }
    Object.assign(evidence, {
      maxAge: parsed.maxAge,
      includeSubDomains: parsed.includeSubDomains,
      preload: parsed.preload,
    });
    if (parsed.maxAge < min) {
      return { status: 'warn', summary: `max-age=${parsed.maxAge} (want ≥ ${min})`, evidence };
    }
    const extras = [parsed.includeSubDomains ? 'includeSubDomains' : '', parsed.preload ? 'preload' : ''].filter(
      Boolean,
    );
    return {
      status: 'pass',
      summary: `max-age=${parsed.maxAge}${extras.length ? `; ${extras.join('; ')}` : ''} (want ≥ ${min})`,
      evidence,
    };
  });
