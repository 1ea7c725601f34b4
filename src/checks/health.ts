// `health`: every configured health path answers 2xx. Paths are probed in parallel on one client.
import { deadlineSignal, withHttpClient } from './http-client.js';
import { numberOption, stringList } from './options.js';
import { describeError } from './errors.js';
import { findRefusal } from './guard.js';
import type { Check } from './types.js';

export const DEFAULT_HEALTH_PATHS = [
  '/health/ping',
  '/health/live',
  '/health/ready',
  '/health/status',
  '/health/metrics',
];

interface PathResult {
  path: string;
  status?: number;
  ms?: number;
  error?: string;
}

export const health: Check = (ctx, options) =>
  withHttpClient(ctx, async (http) => {
    const paths = stringList(options, 'paths', DEFAULT_HEALTH_PATHS);
    // A slow path fails by name before the check's own deadline would turn the whole check into an error.
    const slowMs = Math.max(
      1,
      Math.min(numberOption(options, 'slow_ms', Math.floor(ctx.timeoutMs * 0.8)), ctx.timeoutMs - 1),
    );
    const results = await Promise.all(
      paths.map(async (path): Promise<PathResult> => {
        const { signal, clear } = deadlineSignal(ctx.signal, slowMs);
        try {
          const response = await http.request(new URL(path, ctx.target.url), { maxBodyBytes: 16 * 1024, signal });
          return { path, status: response.status, ms: response.timings.totalMs };
        } catch (error) {
          // Out of time or a refused target: the whole check's outcome, not one path's.
          if (ctx.signal.aborted || findRefusal(error)) throw error;
          if (signal.aborted) return { path, error: `no answer in ${slowMs} ms` };
          return { path, error: describeError(error) };
        } finally {
          clear();
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
