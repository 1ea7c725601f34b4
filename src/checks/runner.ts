// Runs a set of checks against one target: all in parallel, each within its own timeout, so one server that
// accepts and never answers costs one timeout, not the run. A check never throws out of here.
import { setMaxListeners } from 'node:events';
import { isIP } from 'node:net';
import type { CheckKind } from '../domain/check-kind.js';
import { CheckTimeoutError, describeError } from './errors.js';
import { findRefusal, guardedPolicy, isNoSuchName, onceResolver } from './guard.js';
import { openRunHttpClient } from './http-client.js';
import { checkRegistry, JUDGES_RESOLUTION } from './registry.js';
import type { AddressPolicy, Check, CheckOutcome, CheckRequest, CheckResult, CheckRun, CheckTarget } from './types.js';

export interface RunOptions {
  /** Per-check timeout (CHECK_TIMEOUT_MS, --timeout). */
  timeoutMs: number;
  policy: AddressPolicy;
  now?: () => number;
  /** The checks by kind; the full registry unless a caller narrows it. */
  checks?: Readonly<Partial<Record<CheckKind, Check>>>;
}

async function runOne(
  request: CheckRequest,
  target: CheckTarget,
  options: RunOptions,
  checks: Readonly<Partial<Record<CheckKind, Check>>>,
): Promise<CheckResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const finish = (outcome: CheckOutcome): CheckResult => ({
    id: request.id,
    kind: request.kind,
    ...outcome,
    durationMs: Math.max(0, Math.round(now() - started)),
  });
  const check = checks[request.kind];
  if (!check) {
    return finish({ status: 'error', summary: `no check implements kind ${request.kind}`, evidence: {} });
  }
  const controller = new AbortController();
  // Every request and probe of the check listens on this signal (and removes itself); dozens is normal.
  setMaxListeners(0, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  // Resolves at the deadline even if a check ignores its signal, so the run never waits past it.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeoutError(options.timeoutMs);
      reject(error);
      controller.abort(error);
    }, options.timeoutMs);
  });
  const running = check(
    { target, timeoutMs: options.timeoutMs, signal: controller.signal, policy: options.policy },
    request.options,
  );
  running.catch(() => undefined); // the loser of the race must not become an unhandled rejection
  try {
    return finish(await Promise.race([running, deadline]));
  } catch (error) {
    const refusal = findRefusal(error);
    return finish({
      status: 'error',
      summary: describeError(error),
      evidence: refusal
        ? { refused: { host: refusal.hostname, address: refusal.address, reason: refusal.reason } }
        : { error: describeError(error) },
    });
  } finally {
    clearTimeout(timer);
    // Whatever the check left open is told to stop.
    if (!controller.signal.aborted) controller.abort(new Error('check finished'));
  }
}

/**
 * Why the target's name leaves nothing to connect to ("chekout.example.invalid does not resolve (ENOTFOUND)"),
 * or undefined when it resolved (or is an address). Asked once, within the per-check timeout.
 */
async function unreachableName(
  hostname: string,
  policy: AddressPolicy,
  timeoutMs: number,
): Promise<string | undefined> {
  if (isIP(hostname) !== 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`${hostname} did not resolve within ${timeoutMs} ms`), timeoutMs);
  });
  try {
    return await Promise.race([
      policy.resolve(hostname).then(
        (addresses) => (addresses.length > 0 ? undefined : `${hostname} does not resolve (no address)`),
        (error: unknown) =>
          isNoSuchName(error)
            ? `${hostname} does not resolve (${describeCode(error)})`
            : `cannot resolve ${hostname}: ${describeError(error)}`,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function describeCode(error: unknown): string {
  return String((error as { code?: unknown }).code);
}

export async function runChecks(
  requests: readonly CheckRequest[],
  target: CheckTarget,
  options: RunOptions,
): Promise<CheckRun> {
  const now = options.now ?? Date.now;
  const started = now();
  const checks = options.checks ?? checkRegistry;
  // One resolution per name for the whole run: every check asks the same answer, so a typo costs one lookup.
  const policy = guardedPolicy(
    (address, hostname) => options.policy.judge(address, hostname),
    onceResolver((hostname) => options.policy.resolve(hostname)),
  );
  const runOptions: RunOptions = { ...options, policy };
  // A copy per run: it keys the run's shared HTTP client, so concurrent runs on one target never share one.
  const runTarget: CheckTarget = { ...target };
  const unresolved = await unreachableName(target.url.hostname.replace(/^\[|\]$/g, ''), policy, options.timeoutMs);
  const http = openRunHttpClient(runTarget, { policy, timeoutMs: options.timeoutMs });
  let results: CheckResult[];
  try {
    results = await Promise.all(
      requests.map((request) =>
        // A check that must connect to the target observes nothing when its name has no address: it says so at once.
        unresolved !== undefined && !JUDGES_RESOLUTION.has(request.kind)
          ? Promise.resolve({
              id: request.id,
              kind: request.kind,
              status: 'error' as const,
              summary: `not checked: ${unresolved}`,
              evidence: { unresolved },
              durationMs: 0,
            })
          : runOne(request, runTarget, runOptions, checks),
      ),
    );
  } finally {
    await http.close();
  }
  return {
    target: target.url.href,
    startedAt: new Date(started).toISOString(),
    durationMs: Math.max(0, Math.round(now() - started)),
    results,
  };
}
