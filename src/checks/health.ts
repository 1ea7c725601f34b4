// `health`: every configured health path answers 2xx. Paths are probed in parallel on one client.
import { withHttpClient } from './http-client.js';
import { stringList } from './options.js';
import { describeError } from './errors.js';
import { findRefusal } from './guard.js';
import type { Check } from './types.js';

export const DEFAULT_HEALTH_PATHS = ['/health/ping', '/health/live', '/health/ready', '/health/status', '/health/metrics'];

interface PathResult {
  path: string;
  status?: number;
  ms?: number;
  error?: string;
}

export const health: Check = (ctx, options) =>
  withHttpClient(ctx, async (http) => {
    const paths = stringList(options, 'paths', DEFAULT_HEALTH_PATHS);
    const results = await Promise.all(
      paths.map(async (path): Promise<PathResult> => {
        try {
          const response = await http.request(new URL(path, ctx.target.url), { maxBodyBytes: 16 * 1024 });
          return { path, status: response.status, ms: response.timings.totalMs };
        } catch (error) {
          // Out of time or a refused target: the whole check's outcome, not one path's.
          if (ctx.signal.aborted || findRefusal(error)) throw error;
          return { path, error: describeError(error) };
        }
      }),
    );
    const bad = results.filter((r) => r.status === undefined || r.status < 200 || r.status > 299);
    const evidence = { paths: results };
    if (bad.length === 0) {
      return { status: 'pass', summary: `${results.length}/${results.length} paths answered 2xx (want 2xx)`, evidence };
    }
    // Paths that failed the same way are named together: "/a, /b → 503".
    const byOutcome = new Map<string, string[]>();
    for (const r of bad) {
      const outcome = String(r.status ?? r.error);
      byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), r.path]);
    }
    const named = [...byOutcome].map(([outcome, failing]) => `${failing.join(', ')} → ${outcome}`).join('; ');
    return { status: 'fail', summary: `${bad.length}/${results.length} paths failing: ${named} (want 2xx)`, evidence };
  });
