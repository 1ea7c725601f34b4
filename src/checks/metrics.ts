// `metrics`: the metrics path serves Prometheus text exposition that parses strictly.
import { headerValue, withHttpClient } from './http-client.js';
import { stringOption } from './options.js';
import type { Check } from './types.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'unknown',
  'gaugehistogram',
  'stateset',
  'info',
]);

export type ExpositionParse =
  | { ok: true; samples: number; families: number }
  | { ok: false; line: number; text: string; reason: string };

// Returns the index after the closing brace, or a reason the label set is malformed.
function parseLabels(line: string, start: number): { end: number } | { reason: string } {
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ') i++;
    if (line[i] === '}') return { end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0) return { reason: 'label without =' };
    const name = line.slice(i, eq).trim();
    if (!LABEL_NAME.test(name)) return { reason: `invalid label name "${name}"` };
    i = eq + 1;
    while (line[i] === ' ') i++;
    if (line[i] !== '"') return { reason: `label ${name} value not quoted` };
    i++;
    for (;;) {
      const c = line[i];
      if (c === undefined) return { reason: `label ${name} value not closed` };
      if (c === '\\') {
        const next = line[i + 1];
        if (next !== '\\' && next !== '"' && next !== 'n') return { reason: `bad escape in label ${name}` };
        i += 2;
        continue;
      }
      i++;
      if (c === '"') break;
    }
    while (line[i] === ' ') i++;
    if (line[i] === ',') {
      i++;
      continue;
    }
    if (line[i] === '}') return { end: i + 1 };
    return { reason: `expected , or } after label ${name}` };
  }
}

function parseSample(line: string): string | undefined {
  const nameEnd = line.search(/[{ \t]/);
  const name = nameEnd < 0 ? line : line.slice(0, nameEnd);
  if (!METRIC_NAME.test(name)) return `invalid metric name "${name}"`;
  if (nameEnd < 0) return 'sample without a value';
  let rest = line.slice(nameEnd);
  if (rest.startsWith('{')) {
    const labels = parseLabels(rest, 0);
    if ('reason' in labels) return labels.reason;
    rest = rest.slice(labels.end);
  }
  const fields = rest.trim().split(/[ \t]+/);
  const [value, timestamp, extra] = fields;
  if (!value) return 'sample without a value';
  if (!FLOAT.test(value)) return `value "${value}" is not a number`;
  if (timestamp !== undefined && !FLOAT.test(timestamp)) return `timestamp "${timestamp}" is not a number`;
  if (extra !== undefined) return 'trailing text after the timestamp';
  return undefined;
}

/** A strict parse of the Prometheus text format (and the OpenMetrics text it shares). */
export function parseExposition(text: string): ExpositionParse {
  const families = new Set<string>();
  let samples = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const bad = (reason: string): ExpositionParse => ({ ok: false, line: index + 1, text: line.slice(0, 120), reason });
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const parts = line
        .slice(1)
        .trim()
        .split(/[ \t]+/);
      const keyword = parts[0];
      if (keyword === 'HELP' || keyword === 'TYPE') {
        const name = parts[1] ?? '';
        if (!METRIC_NAME.test(name)) return bad(`invalid metric name "${name}" in # ${keyword}`);
        if (keyword === 'TYPE' && !TYPES.has(parts[2] ?? '')) return bad(`unknown type "${parts[2] ?? ''}"`);
        families.add(name);
      }
      continue;
    }
    const reason = parseSample(line.trim());
    if (reason) return bad(reason);
    samples++;
    const name = line.trim().split(/[{ \t]/)[0] ?? '';
    if (families.size === 0 || ![...families].some((family) => name.startsWith(family))) families.add(name);
  }
  if (samples === 0) return { ok: false, line: 0, text: '', reason: 'no samples' };
  return { ok: true, samples, families: families.size };
}

function isPrometheusContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const media = contentType.split(';')[0]?.trim().toLowerCase();
  return media === 'text/plain' || media === 'application/openmetrics-text';
}

export const metrics: Check = (ctx, options) =>
  withHttpClient(ctx, async (http) => {
    const path = stringOption(options, 'path', '/health/metrics');
    const response = await http.request(new URL(path, ctx.target.url), { maxBodyBytes: 2 * 1024 * 1024 });
    const contentType = headerValue(response.headers, 'content-type');
    const base = { path, status: response.status, contentType: contentType ?? null, truncated: response.truncated };
    if (response.status < 200 || response.status > 299) {
      return {
        status: 'fail',
        summary: `${path} → ${response.status} (want 2xx with Prometheus text)`,
        evidence: base,
      };
    }
    if (!isPrometheusContentType(contentType)) {
      return {
        status: 'fail',
        summary: `${path} served ${contentType ?? 'no content type'} (want text/plain; version=0.0.4)`,
        evidence: base,
      };
    }
    // A cut body may end mid-line; parse only the complete lines.
    const body = response.truncated ? response.body.slice(0, response.body.lastIndexOf('\n') + 1) : response.body;
    const parsed = parseExposition(body);
    if (!parsed.ok) {
      const where = parsed.line > 0 ? `line ${parsed.line}: ${parsed.reason} ("${parsed.text}")` : parsed.reason;
      return {
        status: 'fail',
        summary: `${path} is not Prometheus text: ${where} (want a strict parse)`,
        evidence: { ...base, parse: parsed },
      };
    }
    return {
      status: 'pass',
      summary: `${path}: ${parsed.samples} samples in ${parsed.families} families (want Prometheus text, ≥ 1 sample)`,
      evidence: { ...base, samples: parsed.samples, families: parsed.families },
    };
  });
