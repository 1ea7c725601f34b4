// `admin-exposed`: admin paths are not served openly (a 200 without authentication is an open door).
import { describeError } from './errors.js';
import { findRefusal } from './guard.js';
import { withHttpClient } from './http-client.js';
import { stringList } from './options.js';
import type { Check, CheckOutcome } from './types.js';

export const DEFAULT_ADMIN_PATHS = ['/admin', '/console', '/phpmyadmin'];

interface Probe {
  path: string;
  status?: number;
  loginForm?: boolean;
  error?: string;
}

export const adminExposed: Check = (ctx, options) =>
  withHttpClient(ctx, async (http): Promise<CheckOutcome> => {
    const paths = stringList(options, 'paths', DEFAULT_ADMIN_PATHS);
    const probes = await Promise.all(
      paths.map(async (path): Promise<Probe> => {
        try {
          const response = await http.request(new URL(path, ctx.target.url), { maxBodyBytes: 64 * 1024 });
          const loginForm = /<input[^>]+type=["']?password/i.test(response.body);
          return { path, status: response.status, loginForm };
        } catch (error) {
          // Out of time or a refused target: the whole check's outcome, not one path's.
          if (ctx.signal.aborted || findRefusal(error)) throw error;
          return { path, error: describeError(error) };
        }
      }),
    );
    const evidence = { paths: probes };
    // Nothing answered: we cannot tell whether anything is exposed, which is an error, not a pass.
    const unanswered = probes.filter((p) => p.error !== undefined);
    if (unanswered.length === probes.length)
      throw new Error(`no admin path answered: ${unanswered[0]?.error ?? 'unknown error'}`);
    const open = probes.filter((p) => p.status !== undefined && p.status >= 200 && p.status < 300 && !p.loginForm);
    if (open.length > 0) {
      return {
        status: 'fail',
        summary: `${open.map((p) => `${p.path} → ${p.status}`).join(', ')} without authentication (want 401/403/404)`,
        evidence,
      };
    }
    const answered = probes.map((p) => `${p.path} → ${p.status ?? p.error}`).join(', ');
    // A path that did not answer may be the open one: the item is not observed, so it is not passed (nor warned).
    if (unanswered.length > 0)
      return { status: 'error', summary: `${answered} (want every admin path to answer, none open)`, evidence };
    const login = probes.filter((p) => p.loginForm && p.status !== undefined && p.status < 300);
    if (login.length > 0) {
      return {
        status: 'warn',
        summary: `${login.map((p) => p.path).join(', ')} serves a login form to anyone (want 401/403/404 from outside)`,
        evidence,
      };
    }
    return { status: 'pass', summary: `${answered} (want no open admin page)`, evidence };
  });
