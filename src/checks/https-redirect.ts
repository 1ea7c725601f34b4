// `https-redirect`: plain HTTP answers with a permanent redirect to https on the same host. Hops are followed by
// hand, each through the guard, so a redirect towards a forbidden address is refused before it is connected.
import { findRefusal } from './guard.js';
import { headerValue, withHttpClient } from './http-client.js';
import { numberOption } from './options.js';
import type { Check, CheckOutcome } from './types.js';

interface Hop {
  url: string;
  status?: number;
  location?: string;
  refused?: string;
}

const PERMANENT = new Set([301, 308]);
const TEMPORARY = new Set([302, 303, 307]);

function connectionRefused(error: unknown): boolean {
  const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  return code === 'ECONNREFUSED';
}

/** The plain-HTTP URL to probe: the configured one, or the target on port 80. */
export function plainHttpUrl(target: { url: URL; httpUrl?: URL }): URL {
  if (target.httpUrl) return new URL(target.httpUrl.href);
  const url = new URL(target.url.href);
  url.protocol = 'http:';
  url.port = '';
  return url;
}

export const httpsRedirect: Check = (ctx, options) =>
  withHttpClient(ctx, async (http): Promise<CheckOutcome> => {
    const maxHops = numberOption(options, 'max_hops', 5);
    const targetHost = ctx.target.url.hostname;
    const hops: Hop[] = [];
    let url = plainHttpUrl(ctx.target);
    const evidence = () => ({ start: plainHttpUrl(ctx.target).href, targetHost, hops });
    for (let hop = 1; hop <= maxHops; hop++) {
      if (url.protocol === 'https:') {
        // Arrived at https: judge where, and how we were sent here.
        if (url.hostname !== targetHost) {
          return {
            status: 'fail',
            summary: `redirects to ${url.host} (want https on ${targetHost})`,
            evidence: evidence(),
          };
        }
        const elsewhere = hops.find((h) => new URL(h.url).hostname !== targetHost);
        if (elsewhere) {
          return {
            status: 'fail',
            summary: `redirects via ${new URL(elsewhere.url).host} (want ${targetHost} only)`,
            evidence: evidence(),
          };
        }
        const codes = hops.map((h) => h.status);
        const temporary = codes.find((code) => code !== undefined && TEMPORARY.has(code));
        const chain = `${codes.join(' → ')} → ${url.href}`;
        if (temporary !== undefined) {
          return { status: 'warn', summary: `${chain}: temporary ${temporary} (want 301/308)`, evidence: evidence() };
        }
        return { status: 'pass', summary: `${chain} (want 301/308 to https)`, evidence: evidence() };
      }
      let response;
      try {
        response = await http.request(url, { maxBodyBytes: 4 * 1024 });
      } catch (error) {
        const refusal = findRefusal(error);
        // Nothing listening for plain HTTP is a finding: visitors typing http:// get no redirect at all.
        if (!refusal && connectionRefused(error)) {
          hops.push({ url: url.href });
          return {
            status: 'fail',
            summary: `${url.host} refuses plain HTTP connections (want 301/308 to https)`,
            evidence: evidence(),
          };
        }
        // The first hop is the target itself: a refusal there is the run's business (error), later ones are redirects.
        if (!refusal || hop === 1) throw error;
        hops.push({ url: url.href, refused: refusal.reason });
        return { status: 'fail', summary: `redirect to ${url.host} refused: ${refusal.reason}`, evidence: evidence() };
      }
      const location = headerValue(response.headers, 'location');
      hops.push({ url: url.href, status: response.status, ...(location ? { location } : {}) });
      if (response.status < 300 || response.status > 399 || !location) {
        return {
          status: 'fail',
          summary: `${url.href} answered ${response.status} over plain HTTP (want 301/308 to https)`,
          evidence: evidence(),
        };
      }
      if (!PERMANENT.has(response.status) && !TEMPORARY.has(response.status)) {
        return {
          status: 'fail',
          summary: `${url.href} answered ${response.status} (want 301/308 to https)`,
          evidence: evidence(),
        };
      }
      url = new URL(location, url);
    }
    return {
      status: 'fail',
      summary: `more than ${maxHops} hops without reaching https (want 1)`,
      evidence: evidence(),
    };
  });
