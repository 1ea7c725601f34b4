// `security-headers`: CSP, nosniff, framing protection and Referrer-Policy, scored and graded the way Mozilla's
// HTTP Observatory does (start at 100, penalties and bonuses per header, letter grade from the score).
import { headerValues, withHttpClient } from './http-client.js';
import type { HttpHeaders } from './http-client.js';
import type { Check, CheckOutcome } from './types.js';
import type { CheckStatus } from '../domain/check-kind.js';

interface Finding {
  header: string;
  status: CheckStatus;
  /** Observatory-style score modifier. */
  modifier: number;
  note: string;
}

const GRADES: Array<[number, string]> = [
  [100, 'A+'],
  [90, 'A'],
  [85, 'A-'],
  [80, 'B+'],
  [70, 'B'],
  [65, 'B-'],
  [60, 'C+'],
  [50, 'C'],
  [45, 'C-'],
  [40, 'D+'],
  [30, 'D'],
  [25, 'D-'],
];

export function observatoryGrade(score: number): string {
  return GRADES.find(([min]) => score >= min)?.[1] ?? 'F';
}

type Csp = Map<string, string[]>;

export function parseCsp(value: string): Csp {
  const directives: Csp = new Map();
  for (const part of value.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    // The first occurrence wins, as in browsers.
    if (!directives.has(key))
      directives.set(
        key,
        sources.map((s) => s.toLowerCase()),
      );
  }
  return directives;
}

function judgeCsp(values: string[]): { finding: Finding; frameAncestors: boolean } {
  const header = 'content-security-policy';
  const first = values[0];
  if (first === undefined || first.trim() === '') {
    return {
      finding: { header, status: 'fail', modifier: -25, note: 'no Content-Security-Policy' },
      frameAncestors: false,
    };
  }
  const csp = parseCsp(values.join(';'));
  const frameAncestors = csp.has('frame-ancestors');
  const scripts = csp.get('script-src') ?? csp.get('default-src');
  if (!scripts) {
    return {
      finding: {
        header,
        status: 'warn',
        modifier: -20,
        note: 'CSP restricts no scripts (no default-src or script-src)',
      },
      frameAncestors,
    };
  }
  const keyed = scripts.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha") || s === "'strict-dynamic'");
  if (scripts.includes("'unsafe-inline'") && !keyed) {
    return {
      finding: { header, status: 'warn', modifier: -20, note: "CSP allows 'unsafe-inline' scripts" },
      frameAncestors,
    };
  }
  if (scripts.some((s) => s === '*' || s === 'http:' || s === 'https:' || s === 'data:')) {
    return {
      finding: { header, status: 'warn', modifier: -20, note: 'CSP allows scripts from any origin' },
      frameAncestors,
    };
  }
  if (scripts.includes("'unsafe-eval'")) {
    return { finding: { header, status: 'warn', modifier: -10, note: "CSP allows 'unsafe-eval'" }, frameAncestors };
  }
  return { finding: { header, status: 'pass', modifier: 0, note: 'CSP restricts scripts' }, frameAncestors };
}

function judgeFraming(headers: HttpHeaders, frameAncestors: boolean): Finding {
  const header = 'x-frame-options';
  const value = headerValues(headers, header)[0]?.trim().toUpperCase();
  if (frameAncestors) return { header, status: 'pass', modifier: 5, note: 'framing limited by CSP frame-ancestors' };
  if (value === 'DENY' || value === 'SAMEORIGIN')
    return { header, status: 'pass', modifier: 0, note: `X-Frame-Options ${value}` };
  if (value === undefined)
    return { header, status: 'fail', modifier: -20, note: 'no X-Frame-Options or frame-ancestors' };
  if (value.startsWith('ALLOW-FROM'))
    return { header, status: 'warn', modifier: 0, note: 'X-Frame-Options ALLOW-FROM (ignored by browsers)' };
  return { header, status: 'fail', modifier: -20, note: `invalid X-Frame-Options "${value}"` };
}

function judgeNosniff(headers: HttpHeaders): Finding {
  const header = 'x-content-type-options';
  const value = headerValues(headers, header)[0]?.trim().toLowerCase();
  if (value === 'nosniff') return { header, status: 'pass', modifier: 0, note: 'nosniff' };
  if (value === undefined) return { header, status: 'warn', modifier: -5, note: 'no X-Content-Type-Options' };
  return { header, status: 'warn', modifier: -5, note: `X-Content-Type-Options "${value}" (want nosniff)` };
}

const PRIVATE_REFERRER = new Set(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']);
const NEUTRAL_REFERRER = new Set(['origin', 'origin-when-cross-origin']);
const UNSAFE_REFERRER = new Set(['no-referrer-when-downgrade', 'unsafe-url']);

function judgeReferrer(headers: HttpHeaders): Finding {
  const header = 'referrer-policy';
  const values = headerValues(headers, header).join(',');
  if (values.trim() === '') return { header, status: 'warn', modifier: 0, note: 'no Referrer-Policy' };
  // Browsers use the last token they understand.
  const tokens = values.split(',').map((t) => t.trim().toLowerCase());
  const known = tokens.filter((t) => PRIVATE_REFERRER.has(t) || NEUTRAL_REFERRER.has(t) || UNSAFE_REFERRER.has(t));
  const policy = known[known.length - 1];
  if (policy === undefined)
    return { header, status: 'warn', modifier: -5, note: `invalid Referrer-Policy "${values}"` };
  if (PRIVATE_REFERRER.has(policy)) return { header, status: 'pass', modifier: 5, note: `Referrer-Policy ${policy}` };
  if (NEUTRAL_REFERRER.has(policy)) return { header, status: 'pass', modifier: 0, note: `Referrer-Policy ${policy}` };
  return { header, status: 'warn', modifier: -5, note: `Referrer-Policy ${policy} leaks URLs` };
}

/** Grades a response's headers; exported so the Slack side can explain a grade without a request. */
export function gradeSecurityHeaders(headers: HttpHeaders): { score: number; grade: string; findings: Finding[] } {
  const csp = judgeCsp(headerValues(headers, 'content-security-policy'));
  const findings = [
    csp.finding,
    judgeFraming(headers, csp.frameAncestors),
    judgeNosniff(headers),
    judgeReferrer(headers),
  ];
  const penalties = findings.reduce((sum, f) => sum + Math.min(0, f.modifier), 0);
  const bonuses = findings.reduce((sum, f) => sum + Math.max(0, f.modifier), 0);
  // As in the Observatory, bonuses only count once the score without them is at least 90.
  const base = 100 + penalties;
  const score = Math.max(0, base >= 90 ? base + bonuses : base);
  return { score, grade: observatoryGrade(score), findings };
}

export const securityHeaders: Check = (ctx) =>
  withHttpClient(ctx, async (http): Promise<CheckOutcome> => {
    const response = await http.request(ctx.target.url, { maxBodyBytes: 4 * 1024 });
    const { score, grade, findings } = gradeSecurityHeaders(response.headers);
    const status: CheckStatus = findings.some((f) => f.status === 'fail')
      ? 'fail'
      : findings.some((f) => f.status === 'warn')
        ? 'warn'
        : 'pass';
    const problems = findings.filter((f) => f.status !== 'pass').map((f) => f.note);
    const summary =
      status === 'pass'
        ? `grade ${grade} (${score}): ${findings.map((f) => f.note).join(', ')} (want CSP, nosniff, framing, Referrer-Policy)`
        : `grade ${grade} (${score}): ${problems.join('; ')} (want CSP, nosniff, framing, Referrer-Policy)`;
    return { status, summary, evidence: { url: response.url, status: response.status, score, grade, findings } };
  });
