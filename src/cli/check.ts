// `golive check <https-url>`: runs the default template's automatic checks against a URL and prints a table
// (or, with --json, one JSON document). Exit 0 nothing failed, 1 a check failed or errored, 2 usage/config.
import { parseArgs } from 'node:util';
import { createAddressPolicy } from '../checks/guard.js';
import { checkRequestsOf, dedupeCheckRequests } from '../checks/plan.js';
import { runChecks } from '../checks/runner.js';
import type { CheckRequest, CheckResult, CheckRun, CheckTarget } from '../checks/types.js';
import { CHECK_KINDS, isCheckKind } from '../domain/check-kind.js';
import type { CheckKind, CheckStatus } from '../domain/check-kind.js';
import type { Template } from '../domain/template.js';
import { defaultTemplate } from '../templates/default.js';
import { loadCheckConfig } from '../config.js';
import type { CliIo } from './io.js';

export const CHECK_USAGE = `usage: golive check <https-url> [--http-url URL] [--only kind,kind] [--json] [--allow-private] [--timeout MS]
  Runs the automatic checks of the default template against the URL.
  --http-url URL    plain-HTTP URL for https-redirect (default: the same host on port 80)
  --only KINDS      comma-separated check kinds: ${CHECK_KINDS.join(', ')}
  --json            print one JSON document instead of a table
  --allow-private   allow loopback, private and link-local targets (CHECK_ALLOW_PRIVATE)
  --timeout MS      per-check timeout in milliseconds (CHECK_TIMEOUT_MS, default 5000)
  Environment: CHECK_ALLOWED_HOSTS (hosts/CIDRs allowed besides public addresses), CHECK_ALLOW_PRIVATE, CHECK_TIMEOUT_MS.
  Exit status: 0 nothing failed, 1 a check failed or errored, 2 usage or configuration error.
`;

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

function parseTimeout(raw: string, source: string): Parsed<number> {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) <= 0 || Number(raw) > 600_000) {
    return { ok: false, reason: `${source} must be a whole number of milliseconds between 1 and 600000, got "${raw}"` };
  }
  return { ok: true, value: Number(raw) };
}

function parseUrl(raw: string, protocols: readonly string[], what: string): Parsed<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: `${what} "${raw}" is not a URL` };
  }
  if (!protocols.includes(url.protocol)) {
    return {
      ok: false,
      reason: `${what} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${raw}"`,
    };
  }
  return { ok: true, value: url };
}

function healthPaths(request: CheckRequest): string[] | undefined {
  const paths = request.options.paths;
  return Array.isArray(paths) && paths.every((p) => typeof p === 'string') ? paths : undefined;
}

/**
 * The checks the CLI runs: the template's, each distinct kind+options once, health checks whose paths another
 * health check already covers dropped, then any kind the template does not use with its defaults.
 */
export function cliCheckRequests(template: Template, only?: readonly CheckKind[]): CheckRequest[] {
  const unique = dedupeCheckRequests(checkRequestsOf(template));
  const covered = unique.filter((request) => {
    if (request.kind !== 'health') return true;
    const mine = healthPaths(request);
    if (!mine) return true;
    return !unique.some((other) => {
      if (other === request || other.kind !== 'health') return false;
      const theirs = healthPaths(other);
      return theirs !== undefined && theirs.length > mine.length && mine.every((p) => theirs.includes(p));
    });
  });
  const present = new Set(covered.map((request) => request.kind));
  const extra = CHECK_KINDS.filter((kind) => !present.has(kind)).map(
    (kind): CheckRequest => ({ id: kind, kind, options: {} }),
  );
  const all = [...covered, ...extra];
  return only ? all.filter((request) => only.includes(request.kind)) : all;
}

const COLOURS: Record<CheckStatus, string> = {
  pass: '\x1b[32m',
  warn: '\x1b[33m',
  fail: '\x1b[31m',
  error: '\x1b[35m',
};
const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The readable table: status, id, kind, summary, ms; colour only on a terminal. */
export function formatCheckTable(run: CheckRun, colour: boolean): string {
  const headers = ['STATUS', 'ID', 'KIND', 'SUMMARY', 'MS'];
  // What needs attention first: failures, then errors, then warnings; the run's order within each.
  const rank: Record<CheckResult['status'], number> = { fail: 0, error: 1, warn: 2, pass: 3 };
  const ordered = [...run.results].sort((a, b) => rank[a.status] - rank[b.status]);
  const rows = ordered.map((r: CheckResult) => [
    r.status,
    r.id,
    r.kind,
    truncate(r.summary.replace(/\s+/g, ' '), 120),
    String(r.durationMs),
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[], status?: CheckStatus) =>
    cells
      .map((cell, i) => {
        const width = widths[i] ?? 0;
        const padded = i === cells.length - 1 ? cell.padStart(width) : cell.padEnd(width);
        return i === 0 && status && colour ? `${COLOURS[status]}${padded}${RESET}` : padded;
      })
      .join('  ')
      .trimEnd();
  const counts = (['pass', 'warn', 'fail', 'error'] as const)
    .map((status) => [status, run.results.filter((r) => r.status === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => (colour ? `${COLOURS[status]}${n} ${status}${RESET}` : `${n} ${status}`));
  const head = colour ? `${BOLD}${line(headers)}${RESET}` : line(headers);
  return [
    head,
    ...rows.map((row, index) => line(row, run.results[index]?.status)),
    '',
    `${run.results.length} checks against ${run.target} in ${run.durationMs} ms: ${counts.join(', ') || 'none run'}`,
    '',
  ].join('\n');
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const usage = (reason: string): number => {
    io.stderr(`golive check: ${reason}\n${CHECK_USAGE}`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'http-url': { type: 'string' },
        only: { type: 'string' },
        json: { type: 'boolean', default: false },
        'allow-private': { type: 'boolean', default: false },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(CHECK_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] === undefined) {
    return usage(
      positionals.length === 0 ? 'missing the https URL to check' : `one URL expected, got ${positionals.length}`,
    );
  }
  const url = parseUrl(positionals[0], ['https:'], 'the URL');
  if (!url.ok) return usage(url.reason);
  const target: CheckTarget = { url: url.value };
  if (values['http-url'] !== undefined) {
    const httpUrl = parseUrl(values['http-url'], ['http:'], '--http-url');
    if (!httpUrl.ok) return usage(httpUrl.reason);
    target.httpUrl = httpUrl.value;
  }
  let only: CheckKind[] | undefined;
  if (values.only !== undefined) {
    const kinds = values.only
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const unknown = kinds.filter((k) => !isCheckKind(k));
    if (unknown.length > 0 || kinds.length === 0) {
      return usage(
        `--only: unknown check kind ${unknown.join(', ') || '(none given)'}; kinds are ${CHECK_KINDS.join(', ')}`,
      );
    }
    only = kinds as CheckKind[];
  }
  // The environment is read as the bot reads it (src/config.ts); flags win over it.
  const env = loadCheckConfig(io.env);
  if (!env.ok) return usage(env.problems.join('\n'));
  const timeout =
    values.timeout !== undefined
      ? parseTimeout(values.timeout, '--timeout')
      : ({ ok: true, value: env.checks.timeoutMs } as const);
  if (!timeout.ok) return usage(timeout.reason);
  const allowPrivate = values['allow-private'] === true || env.checks.allowPrivate;
  const allowedHosts = env.checks.allowedHosts;

  let requests: CheckRequest[];
  try {
    requests = cliCheckRequests(defaultTemplate(), only);
  } catch (error) {
    io.stderr(`golive check: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const run = await runChecks(requests, target, {
    timeoutMs: timeout.value,
    policy: createAddressPolicy({ allowPrivate, allowedHosts }),
  });
  io.stdout(values.json ? `${JSON.stringify(run, null, 2)}\n` : formatCheckTable(run, io.isTTY));
  return run.results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}
