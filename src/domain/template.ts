// The checklist template as the rest of Golive sees it: plain data, already validated and normalised
// (durations in milliseconds, defaults applied). The YAML schema that produces it lives in src/templates/.
import type { CheckKind } from './check-kind.js';

/** A duration in milliseconds, parsed from `30s`, `15m`, `4h`, `1d`. */
export type DurationMs = number;

export interface CheckSpec {
  kind: CheckKind;
  /** Kind-specific options from the template (`paths`, `min_days`, …), passed to the check as written. */
  options: Readonly<Record<string, unknown>>;
}

export interface TemplateItem {
  /** Unique across the whole template: the key of the item's state in the database. */
  id: string;
  /** Slack mrkdwn, word for word from the template. */
  text: string;
  required: boolean;
  check?: CheckSpec;
  items: TemplateItem[];
}

export interface TemplateGroup {
  title: string;
  items: TemplateItem[];
}

export interface TemplateSection {
  id: string;
  title: string;
  emoji?: string;
  /** A role that may sign this section off. */
  owner?: string;
  groups: TemplateGroup[];
}

export interface RoleSpec {
  label: string;
}

export interface SignOffRule {
  role: string;
  approvals: number;
  allowDeployer: boolean;
  evidenceMaxAgeMs: DurationMs;
  /** May an approver approve despite open items, failed or stale checks, with a written justification. */
  allowExceptions?: boolean;
}

export interface CheckInSpec {
  /** Fires once, this long after go-live… */
  at?: DurationMs;
  /** …or repeatedly, every this long, until the post-launch window ends. */
  every?: DurationMs;
  text?: string;
  checks: CheckKind[];
}

export interface PostLaunchPlan {
  durationMs: DurationMs;
  ackWithinMs: DurationMs;
  escalation: string[];
  checkins: CheckInSpec[];
}

export interface Template {
  id: string;
  name: string;
  version: number;
  roles: Record<string, RoleSpec>;
  signoff: SignOffRule;
  sections: TemplateSection[];
  postlaunch?: PostLaunchPlan;
  /** Free-text fields of the notes block (Date, Environment, Deployed By, Notes). */
  notes: string[];
  /** The approval line, e.g. "Deployment Approved By". */
  approval?: string;
}
