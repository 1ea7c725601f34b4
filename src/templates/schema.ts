// The YAML checklist-template format (docs/ARCHITECTURE.md, "Interfaces fixed"), validated with zod and turned into the domain `Template`
// (snake_case → camelCase, durations → ms, `check: {kind, …}` → `{kind, options}`, defaults applied).
import * as z from 'zod';
import { CHECK_KINDS } from '../domain/check-kind.js';
import { parseDuration } from '../domain/duration.js';
import { CHECK_OPTIONS } from './check-options.js';
import type {
  CheckInSpec,
  CheckSpec,
  PostLaunchPlan,
  Template,
  TemplateItem,
  TemplateSection,
} from '../domain/template.js';

/** Ids end up in Slack values (≤ 150 chars) next to a 26-char go-live id, so they stay short and plain. */
export const MAX_ID_LENGTH = 64;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLACK_EMOJI = /^:[a-z0-9_+'-]+:$/;

// Text limits keep the largest section inside Slack's header (150) and per-message text budgets.
const MAX_NAME = 100;
const MAX_SECTION_TITLE = 100;
const MAX_GROUP_TITLE = 150;
const MAX_ITEM_TEXT = 500;
const MAX_LABEL = 75;

// The default template's rule (docs/ARCHITECTURE.md): evidence older than a day must be re-run before approval.
const DEFAULT_EVIDENCE_MAX_AGE_MS = 24 * 3_600_000;

/** One problem in a template, located by its path in the YAML (`sections[2].groups[0].items[3].id`). */
export interface SchemaIssue {
  path: (string | number)[];
  reason: string;
}

export type TemplateParseResult = { ok: true; template: Template } | { ok: false; issues: SchemaIssue[] };

const slug = (what: string) =>
  z
    .string({ error: (issue) => typeError(issue.input) })
    .max(MAX_ID_LENGTH, { error: `${what} must be at most ${MAX_ID_LENGTH} characters` })
    .regex(SLUG, {
      error: `${what} must be a lowercase slug (a-z, 0-9 and single hyphens, e.g. "secret-key")`,
    });

const text = (what: string, max: number) =>
  z
    .string({ error: (issue) => typeError(issue.input) })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(max, { error: `${what} must be at most ${max} characters` });

const duration = z.string({ error: (issue) => typeError(issue.input, 'a duration such as 15m') }).transform(
  (value, ctx) => {
    const parsed = parseDuration(value);
    if (parsed.ok) return parsed.ms;
    ctx.issues.push({ code: 'custom', message: parsed.reason, input: value });
    return z.NEVER;
  },
);

const checkKind = z.enum(CHECK_KINDS, {
  error: (issue) =>
    issue.input === undefined
      ? 'required'
      : `unknown check kind ${JSON.stringify(issue.input)} (known: ${CHECK_KINDS.join(', ')})`,
});

// Everything beside `kind` is the check's own options, validated per kind and passed on as written.
const check = z.looseObject({ kind: checkKind }).transform(({ kind, ...options }, ctx): CheckSpec => {
  const checked = CHECK_OPTIONS[kind].safeParse(options, { reportInput: true });
  if (!checked.success) {
    const known = Object.keys(CHECK_OPTIONS[kind].shape);
    const unknownOption = `unknown option for a ${kind} check (${known.length > 0 ? `options: ${known.join(', ')}` : 'it takes none'})`;
    for (const issue of checked.error.issues.flatMap(readableIssues)) {
      const message = issue.reason === 'unknown field' ? unknownOption : issue.reason;
      ctx.issues.push({ code: 'custom', message, path: issue.path, input: options });
    }
  }
  return { kind, options };
});

const item: z.ZodType<TemplateItem, unknown> = z.lazy(() =>
  z
    .strictObject({
      id: slug('item id'),
      text: text('item text', MAX_ITEM_TEXT),
      required: z.boolean({ error: (issue) => typeError(issue.input, 'true or false') }).default(true),
      check: check.optional(),
      items: z.array(item).default([]),
    })
    .transform(
      (raw): TemplateItem => ({
        id: raw.id,
        text: raw.text,
        required: raw.required,
        ...(raw.check ? { check: raw.check } : {}),
        items: raw.items,
      }),
    ),
);

const group = z.strictObject({
  title: text('group title', MAX_GROUP_TITLE),
  items: z.array(item).min(1, { error: 'a group needs at least one item' }),
});

const section = z
  .strictObject({
    id: slug('section id'),
    title: text('section title', MAX_SECTION_TITLE),
    emoji: z
      .string({ error: (issue) => typeError(issue.input) })
      .regex(SLACK_EMOJI, { error: 'emoji must be a Slack emoji code such as ":lock:"' })
      .optional(),
    owner: slug('owner role').optional(),
    groups: z.array(group).min(1, { error: 'a section needs at least one group' }),
  })
  .transform(
    (raw): TemplateSection => ({
      id: raw.id,
      title: raw.title,
      ...(raw.emoji ? { emoji: raw.emoji } : {}),
      ...(raw.owner ? { owner: raw.owner } : {}),
      groups: raw.groups,
    }),
  );

const role = z.strictObject({ label: text('role label', MAX_LABEL) });

const signoff = z.strictObject({
  role: slug('sign-off role'),
  approvals: z
    .number({ error: (issue) => typeError(issue.input, 'a whole number') })
    .int({ error: 'approvals must be a whole number' })
    .min(1, { error: 'approvals must be at least 1' })
    .default(1),
  allow_deployer: z.boolean({ error: (issue) => typeError(issue.input, 'true or false') }).default(false),
  evidence_max_age: duration.default(DEFAULT_EVIDENCE_MAX_AGE_MS),
  allow_exceptions: z.boolean({ error: (issue) => typeError(issue.input, 'true or false') }).default(false),
});

const checkin = z.strictObject({
  at: duration.optional(),
  every: duration.optional(),
  text: text('check-in text', MAX_ITEM_TEXT).optional(),
  checks: z.array(checkKind).default([]),
});

const postlaunch = z.strictObject({
  duration,
  ack_within: duration,
  escalation: z.array(slug('escalation role')).min(1, { error: 'escalation needs at least one role' }),
  checkins: z.array(checkin).default([]),
});

const templateShape = z.strictObject({
  id: slug('template id'),
  name: text('template name', MAX_NAME),
  version: z
    .number({ error: (issue) => typeError(issue.input, 'a whole number') })
    .int({ error: 'version must be a whole number' })
    .min(1, { error: 'version must be at least 1' }),
  roles: z.record(slug('role id'), role),
  signoff,
  sections: z.array(section).min(1, { error: 'a template needs at least one section' }),
  postlaunch: postlaunch.optional(),
  notes: z.array(text('note field', MAX_LABEL)).default([]),
  approval: text('approval line', MAX_LABEL).optional(),
});

type TemplateShape = z.output<typeof templateShape>;

/** Validates a parsed YAML document and returns the domain template, or every problem found. */
export function parseTemplate(data: unknown): TemplateParseResult {
  const shaped = templateShape.safeParse(data, { reportInput: true });
  if (!shaped.success) return { ok: false, issues: shaped.error.issues.flatMap(readableIssues) };
  const crossIssues = crossFieldIssues(shaped.data);
  if (crossIssues.length > 0) return { ok: false, issues: crossIssues };
  return { ok: true, template: toTemplate(shaped.data) };
}

function toTemplate(raw: TemplateShape): Template {
  const template: Template = {
    id: raw.id,
    name: raw.name,
    version: raw.version,
    roles: raw.roles,
    signoff: {
      role: raw.signoff.role,
      approvals: raw.signoff.approvals,
      allowDeployer: raw.signoff.allow_deployer,
      evidenceMaxAgeMs: raw.signoff.evidence_max_age,
      allowExceptions: raw.signoff.allow_exceptions,
    },
    sections: raw.sections,
    notes: raw.notes,
  };
  if (raw.postlaunch) template.postlaunch = toPostLaunch(raw.postlaunch);
  if (raw.approval !== undefined) template.approval = raw.approval;
  return template;
}

function toPostLaunch(raw: NonNullable<TemplateShape['postlaunch']>): PostLaunchPlan {
  return {
    durationMs: raw.duration,
    ackWithinMs: raw.ack_within,
    escalation: raw.escalation,
    checkins: raw.checkins.map((c): CheckInSpec => {
      const spec: CheckInSpec = { checks: c.checks };
      if (c.at !== undefined) spec.at = c.at;
      if (c.every !== undefined) spec.every = c.every;
      if (c.text !== undefined) spec.text = c.text;
      return spec;
    }),
  };
}

// Rules that span fields: unique ids, roles that exist, one schedule per check-in.
function crossFieldIssues(raw: TemplateShape): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const roleExists = (roleId: string) => Object.hasOwn(raw.roles, roleId);
  const knownRoles = () => Object.keys(raw.roles).join(', ') || 'none';

  if (!roleExists(raw.signoff.role)) {
    issues.push({ path: ['signoff', 'role'], reason: `unknown role "${raw.signoff.role}" (roles: ${knownRoles()})` });
  }

  // id → where it was first used, for the message about the second use.
  const sectionSeen = new Map<string, string>();
  const itemSeen = new Map<string, string>();
  const visitItems = (items: TemplateItem[], base: (string | number)[]) => {
    items.forEach((it, index) => {
      const path = [...base, index];
      const first = itemSeen.get(it.id);
      if (first !== undefined) {
        issues.push({ path: [...path, 'id'], reason: `duplicate item id "${it.id}" (first used at ${first})` });
      } else {
        itemSeen.set(it.id, formatIssuePath(path));
      }
      visitItems(it.items, [...path, 'items']);
    });
  };
  raw.sections.forEach((sec, s) => {
    const first = sectionSeen.get(sec.id);
    if (first !== undefined) {
      issues.push({ path: ['sections', s, 'id'], reason: `duplicate section id "${sec.id}" (first used at ${first})` });
    } else {
      sectionSeen.set(sec.id, formatIssuePath(['sections', s]));
    }
    if (sec.owner !== undefined && !roleExists(sec.owner)) {
      issues.push({ path: ['sections', s, 'owner'], reason: `unknown role "${sec.owner}" (roles: ${knownRoles()})` });
    }
    sec.groups.forEach((grp, g) => visitItems(grp.items, ['sections', s, 'groups', g, 'items']));
  });

  const plan = raw.postlaunch;
  if (plan) {
    plan.escalation.forEach((roleId, e) => {
      if (!roleExists(roleId)) {
        issues.push({ path: ['postlaunch', 'escalation', e], reason: `unknown role "${roleId}" (roles: ${knownRoles()})` });
      }
    });
    plan.checkins.forEach((c, i) => {
      const path = ['postlaunch', 'checkins', i];
      if ((c.at === undefined) === (c.every === undefined)) {
        issues.push({ path, reason: 'a check-in needs exactly one of "at" (once) or "every" (repeating)' });
      }
      if (c.at !== undefined && c.at > plan.duration) {
        issues.push({ path: [...path, 'at'], reason: 'check-in falls after the end of the post-launch duration' });
      }
      if (c.every !== undefined && c.every > plan.duration) {
        issues.push({ path: [...path, 'every'], reason: 'check-in repeats less often than the post-launch duration' });
      }
      if (c.text === undefined && c.checks.length === 0) {
        issues.push({ path, reason: 'a check-in needs a text, checks, or both' });
      }
    });
  }
  return issues;
}

/** `['sections', 2, 'groups', 0, 'id']` → `sections[2].groups[0].id`. */
export function formatIssuePath(path: readonly (string | number | symbol)[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function typeError(input: unknown, expected?: string): string {
  if (input === undefined) return 'required';
  return `expected ${expected ?? 'text'}, got ${describe(input)}`;
}

function describe(input: unknown): string {
  if (input === null) return 'nothing (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `text ${JSON.stringify(input.length > 40 ? `${input.slice(0, 40)}…` : input)}`;
  // What is left after the checks above is a YAML scalar: a number or a boolean.
  const scalar = input as number | boolean;
  return `${typeof input} ${String(scalar)}`;
}

function readableIssues(issue: z.core.$ZodIssue): SchemaIssue[] {
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  switch (issue.code) {
    case 'invalid_key':
      return [{ path, reason: issue.issues[0]?.message ?? issue.message }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], reason: 'unknown field' }));
    case 'invalid_type': {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) return [{ path, reason: 'required' }];
      if (issue.message.startsWith('Invalid input')) {
        return [{ path, reason: `expected ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : issue.expected}, got ${describe(input)}` }];
      }
      return [{ path, reason: issue.message }];
    }
    default:
      return [{ path, reason: issue.message }];
  }
}
