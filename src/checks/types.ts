// The contract between the runner and each check kind. One file per kind implements `Check`.
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { CheckKind, CheckStatus } from '../domain/check-kind.js';

export interface CheckTarget {
  /** The https URL under test. */
  url: URL;
  /** The plain-HTTP URL for `https-redirect` (default: same host, port 80). */
  httpUrl?: URL;
}

/**
 * Decides which addresses checks may connect to (the SSRF guard). `lookup` is a drop-in for
 * `net.connect`/`tls.connect`/undici's `connect.lookup`: it resolves, then refuses any address the
 * policy forbids, so the address actually connected is the one judged (DNS names and redirects included).
 */
export interface AddressPolicy {
  judge(address: string, hostname: string): { ok: true } | { ok: false; reason: string };
  lookup: LookupFunction;
  /** Every address of a name, unjudged (for the `dns` check, which reports addresses and connects nowhere). */
  resolve(hostname: string): Promise<LookupAddress[]>;
}

export interface CheckContext {
  target: CheckTarget;
  timeoutMs: number;
  /** Aborted when the check's time is up; every socket and request must honour it. */
  signal: AbortSignal;
  policy: AddressPolicy;
}

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: the measured value beside the expectation, e.g. `certificate expires in 10 days (want ≥ 30)`. */
  summary: string;
  evidence: Record<string, unknown>;
}

export type Check = (ctx: CheckContext, options: Readonly<Record<string, unknown>>) => Promise<CheckOutcome>;

/** One check to run: `id` is the template item it proves (or the kind, from the CLI). */
export interface CheckRequest {
  id: string;
  kind: CheckKind;
  options: Readonly<Record<string, unknown>>;
}

/** One result of `golive check --json` (the CLI help and README.md describe the document). */
export interface CheckResult extends CheckOutcome {
  id: string;
  kind: CheckKind;
  durationMs: number;
}

export interface CheckRun {
  target: string;
  startedAt: string;
  durationMs: number;
  results: CheckResult[];
}
