// Sign-off rules: who may request approval, approve, reject, sign a section off, go live and abort, and what
// stands in the way when they may not. Pure: the checklist, the standing sign-offs, the members of the groups
// named in roles and the time all come in as parameters; every decision is a value (a refusal names exactly
// what is missing), and every status change it implies is the lifecycle's (src/domain/lifecycle.ts).
import { flattenItems } from './checklist.js';
import type { FlatItem } from './checklist.js';
import { isActive } from './go-live.js';
import type { Actor, ChecklistView, GoLive, GoLiveStatus } from './go-live.js';
import { transition } from './lifecycle.js';
import type { LifecycleRefusal } from './lifecycle.js';
import { roleHolders } from './roles.js';
import type { GroupMembers } from './roles.js';
import type { Approval, Blockers, SectionSignOff } from './sign-off-state.js';
import type { SignOffRule, Template } from './template.js';

export const SIGN_OFF_TEXT_MAX_LENGTH = 500;

export { NO_SIGN_OFF } from './sign-off-state.js';
export type {
  Approval,
  Blockers,
  FailedItem,
  OpenItem,
  Rejection,
  SectionSignOff,
  SignOffState,
  StaleEvidence,
} from './sign-off-state.js';

export function isClear(blockers: Blockers): boolean {
  return blockers.open.length === 0 && blockers.failed.length === 0 && blockers.stale.length === 0;
}

/**
 * What stands in the way of approval at `now`: required items not done (N/A counts when it has a reason), items
 * an automatic check failed (required or not: a failing check is news), and done items whose evidence is older
 * than `evidence_max_age`. Only one section's items when `sectionId` is given.
 */
export function blockers(view: ChecklistView, now: number, sectionId?: string): Blockers {
  const maxAge = view.goLive.template.signoff.evidenceMaxAgeMs;
  const found: Blockers = { open: [], failed: [], stale: [] };
  const inScope = (flat: FlatItem) => sectionId === undefined || flat.sectionId === sectionId;
  for (const flat of flattenItems(view.goLive.template).filter(inScope)) {
    const { item } = flat;
    const record = view.items.get(item.id);
    const state = record?.state ?? 'open';
    if (state === 'failed') {
      const evidence = record?.evidence;
      found.failed.push({
        itemId: item.id,
        text: item.text,
        ...(evidence ? { kind: evidence.kind } : {}),
        ...(record?.reason !== undefined ? { summary: record.reason } : evidence ? { summary: evidence.summary } : {}),
      });
      continue;
    }
    const resolved = state === 'done' || (state === 'na' && (record?.reason?.trim() ?? '') !== '');
    if (item.required && !resolved) {
      found.open.push({ itemId: item.id, text: item.text, state });
      continue;
    }
    const evidence = record?.evidence;
    if (state === 'done' && evidence && now - evidence.takenAt > maxAge) {
      found.stale.push({
        itemId: item.id,
        text: item.text,
        kind: evidence.kind,
        takenAt: evidence.takenAt,
        ageMs: now - evidence.takenAt,
      });
    }
  }
  return found;
}

/** Distinct approvers so far and how many the template needs (`k of N` on the root). */
export function quorum(approvals: readonly Approval[], rule: SignOffRule): { count: number; needed: number } {
  return { count: new Set(approvals.map((a) => a.by)).size, needed: rule.approvals };
}

/** Why a person's sign-off action is refused: each names what stands in the way. */
export type SignOffRefusal =
  | { code: 'lifecycle'; status: GoLiveStatus; refusal: LifecycleRefusal }
  | { code: 'not-deployer'; deployer: Actor }
  | { code: 'not-role-holder'; role: string; label: string; unresolvedGroups: string[] }
  | { code: 'not-deployer-or-role-holder'; deployer: Actor; role: string; label: string; unresolvedGroups: string[] }
  | { code: 'unknown-roles'; roles: string[] }
  | { code: 'four-eyes'; deployer: Actor }
  | { code: 'incomplete'; blockers: Blockers; exceptionsAllowed: boolean }
  | { code: 'exceptions-not-allowed' }
  | { code: 'text-required'; what: 'reason' | 'justification' }
  | { code: 'text-too-long'; what: 'reason' | 'justification' | 'comment'; length: number; max: number }
  | { code: 'unknown-section'; sectionId: string }
  | { code: 'no-section-owner'; sectionId: string };

export type Refused = { ok: false; refusal: SignOffRefusal };
const refuse = (refusal: SignOffRefusal): Refused => ({ ok: false, refusal });

/** What a decision needs to know about the go-live right now. */
export interface SignOffContext {
  view: ChecklistView;
  /** The approvals of the current request that still stand. */
  approvals: readonly Approval[];
  /** Members of the user groups named in roles, as far as they could be read. */
  groups: GroupMembers;
  now: number;
}

function lifecycleRefusal(
  goLive: Pick<GoLive, 'status'>,
  event: Parameters<typeof transition>[1],
): Refused | GoLiveStatus {
  const next = transition(goLive, event);
  return next.ok ? next.status : refuse({ code: 'lifecycle', status: goLive.status, refusal: next.code });
}

function roleRefusal(goLive: GoLive, role: string, userId: Actor, groups: GroupMembers): Refused | undefined {
  const holders = roleHolders(goLive, role, groups);
  if (holders.userIds.includes(userId)) return undefined;
  const label = goLive.template.roles[role]?.label ?? role;
  return refuse({ code: 'not-role-holder', role, label, unresolvedGroups: holders.unresolvedGroups });
}

/** Trims a person's text and checks it: `required` texts may not be empty; none may be longer than the limit. */
function checkText(
  raw: string | undefined,
  what: 'reason' | 'justification' | 'comment',
  required: boolean,
): Refused | string | undefined {
  const text = raw?.trim() ?? '';
  if (text === '') return required && what !== 'comment' ? refuse({ code: 'text-required', what }) : undefined;
  if (text.length > SIGN_OFF_TEXT_MAX_LENGTH)
    return refuse({ code: 'text-too-long', what, length: text.length, max: SIGN_OFF_TEXT_MAX_LENGTH });
  return text;
}

const isRefused = (value: unknown): value is Refused =>
  typeof value === 'object' && value !== null && (value as Refused).ok === false;

/** Request approval: only the deployer, from Preparing or Rejected (a new request starts over). */
export function decideRequest(goLive: GoLive, userId: Actor): { ok: true; status: GoLiveStatus } | Refused {
  if (userId !== goLive.startedBy) return refuse({ code: 'not-deployer', deployer: goLive.startedBy });
  const status = lifecycleRefusal(goLive, 'request-approval');
  return isRefused(status) ? status : { ok: true, status };
}

export type ApproveDecision =
  | {
      ok: true;
      /** This person had approved already: it counts once, nothing changes. */
      repeat: boolean;
      status: GoLiveStatus;
      count: number;
      needed: number;
      approval: Approval;
      /** What the approval was given despite (with exceptions only). */
      exceptions?: Blockers;
    }
  | Refused;

export interface ApproveInput {
  userId: Actor;
  comment?: string;
  /** Present for Approve with exceptions: the approver's written justification. */
  justification?: string;
}

/**
 * Approve (or Approve with exceptions). In order: the request must be pending; only holders of the sign-off
 * role; the deployer only when `allow_deployer`; the same person twice counts once; then the checklist must
 * be complete, or, where the template allows exceptions, the approver justifies approving despite it.
 */
export function decideApprove(ctx: SignOffContext, input: ApproveInput): ApproveDecision {
  const { goLive } = ctx.view;
  const rule = goLive.template.signoff;
  const withExceptions = input.justification !== undefined;
  if (goLive.status !== 'approved') {
    const pending = lifecycleRefusal(goLive, { type: 'approve', quorumReached: false });
    if (isRefused(pending)) return pending;
  }
  const notHolder = roleRefusal(goLive, rule.role, input.userId, ctx.groups);
  if (notHolder) return notHolder;
  if (input.userId === goLive.startedBy && !rule.allowDeployer)
    return refuse({ code: 'four-eyes', deployer: goLive.startedBy });

  const standing = quorum(ctx.approvals, rule);
  const previous = ctx.approvals.find((a) => a.by === input.userId);
  if (previous) return { ok: true, repeat: true, status: goLive.status, ...standing, approval: previous };
  // Approved already and this person is not among the approvers: the quorum needs no more.
  if (goLive.status === 'approved')
    return refuse({ code: 'lifecycle', status: goLive.status, refusal: 'already-approved' });

  if (withExceptions && !rule.allowExceptions) return refuse({ code: 'exceptions-not-allowed' });
  const comment = checkText(input.comment, 'comment', false);
  if (isRefused(comment)) return comment;
  const justification = withExceptions ? checkText(input.justification, 'justification', true) : undefined;
  if (isRefused(justification)) return justification;

  const found = blockers(ctx.view, ctx.now);
  if (!isClear(found) && !withExceptions)
    return refuse({ code: 'incomplete', blockers: found, exceptionsAllowed: rule.allowExceptions === true });

  const approval: Approval = { by: input.userId, at: ctx.now };
  if (comment !== undefined) approval.comment = comment;
  if (justification !== undefined) approval.justification = justification;
  const count = standing.count + 1;
  const next = transition(goLive, { type: 'approve', quorumReached: count >= rule.approvals });
  if (!next.ok) return refuse({ code: 'lifecycle', status: goLive.status, refusal: next.code });
  return {
    ok: true,
    repeat: false,
    status: next.status,
    count,
    needed: rule.approvals,
    approval,
    ...(withExceptions && !isClear(found) ? { exceptions: found } : {}),
  };
}

/** Reject: only holders of the sign-off role, with a reason, while a request is pending or approved. */
export function decideReject(
  ctx: SignOffContext,
  userId: Actor,
  rawReason: string | undefined,
): { ok: true; status: GoLiveStatus; reason: string } | Refused {
  const { goLive } = ctx.view;
  const status = lifecycleRefusal(goLive, 'reject');
  if (isRefused(status)) return status;
  const notHolder = roleRefusal(goLive, goLive.template.signoff.role, userId, ctx.groups);
  if (notHolder) return notHolder;
  const reason = checkText(rawReason, 'reason', true);
  if (isRefused(reason)) return reason;
  if (reason === undefined) return refuse({ code: 'text-required', what: 'reason' });
  return { ok: true, status, reason };
}

/**
 * Whether an item change revokes the standing approvals: any change while approvals stand before Go live.
 * The go-live goes back to Preparing; a new request starts over.
 */
export function revokes(goLive: Pick<GoLive, 'status'>, approvals: readonly Approval[]): boolean {
  return approvals.length > 0 && transition(goLive, 'revoke').ok;
}

/** Go live: only the deployer, once Approved. */
export function decideGoLive(goLive: GoLive, userId: Actor): { ok: true; status: GoLiveStatus } | Refused {
  if (userId !== goLive.startedBy) return refuse({ code: 'not-deployer', deployer: goLive.startedBy });
  const status = lifecycleRefusal(goLive, 'go-live');
  return isRefused(status) ? status : { ok: true, status };
}

/** Refused unless the person is the deployer or holds the sign-off role. */
function deployerOrSignOffRole(goLive: GoLive, userId: Actor, groups: GroupMembers): Refused | undefined {
  if (userId === goLive.startedBy) return undefined;
  const notHolder = roleRefusal(goLive, goLive.template.signoff.role, userId, groups);
  if (!notHolder || notHolder.refusal.code !== 'not-role-holder') return notHolder;
  return refuse({ ...notHolder.refusal, code: 'not-deployer-or-role-holder', deployer: goLive.startedBy });
}

/** Abort: the deployer or a holder of the sign-off role, in any active status, with a reason. */
export function decideAbort(
  goLive: GoLive,
  userId: Actor,
  groups: GroupMembers,
  rawReason: string | undefined,
): { ok: true; status: GoLiveStatus; reason: string } | Refused {
  const status = lifecycleRefusal(goLive, 'abort');
  if (isRefused(status)) return status;
  const notAllowed = deployerOrSignOffRole(goLive, userId, groups);
  if (notAllowed) return notAllowed;
  const reason = checkText(rawReason, 'reason', true);
  if (isRefused(reason)) return reason;
  if (reason === undefined) return refuse({ code: 'text-required', what: 'reason' });
  return { ok: true, status, reason };
}

/** The sections of a template that have an owner role, i.e. that can be signed off. */
export function ownedSections(template: Template): { sectionId: string; title: string; owner: string }[] {
  return template.sections.flatMap((s) =>
    s.owner === undefined ? [] : [{ sectionId: s.id, title: s.title, owner: s.owner }],
  );
}

export type SectionSignOffDecision = { ok: true; repeat: boolean; signOff: SectionSignOff } | Refused;

/**
 * Sign off section: only holders of the section's `owner` role, before Go live, and only a complete section
 * (the same completeness as approval, over the section's items). The same person again changes nothing.
 */
export function decideSectionSignOff(
  ctx: SignOffContext,
  signOffs: readonly SectionSignOff[],
  userId: Actor,
  sectionId: string,
): SectionSignOffDecision {
  const { goLive } = ctx.view;
  const section = goLive.template.sections.find((s) => s.id === sectionId);
  if (!section) return refuse({ code: 'unknown-section', sectionId });
  if (section.owner === undefined) return refuse({ code: 'no-section-owner', sectionId });
  // A section is signed off while the checklist is still being prepared or approved; after Go live it is history.
  if (goLive.status === 'live' || !isActive(goLive.status)) {
    return refuse({
      code: 'lifecycle',
      status: goLive.status,
      refusal: goLive.status === 'live' ? 'already-live' : 'ended',
    });
  }
  const notHolder = roleRefusal(goLive, section.owner, userId, ctx.groups);
  if (notHolder) return notHolder;
  const previous = signOffs.find((s) => s.sectionId === sectionId && s.by === userId);
  if (previous) return { ok: true, repeat: true, signOff: previous };
  const found = blockers(ctx.view, ctx.now, sectionId);
  if (!isClear(found)) return refuse({ code: 'incomplete', blockers: found, exceptionsAllowed: false });
  return { ok: true, repeat: false, signOff: { sectionId, by: userId, at: ctx.now } };
}

/** The sections that can be signed off and are not yet. */
export function sectionsAwaitingSignOff(
  template: Template,
  signOffs: readonly SectionSignOff[],
): { sectionId: string; title: string; owner: string }[] {
  return ownedSections(template).filter((s) => !signOffs.some((so) => so.sectionId === s.sectionId));
}

/** `Deployment Approved By: <@U1>, <@U2>  Date: 2026-12-01`, as the seed writes it (the date in UTC). */
export function approvalLine(template: Template, approvers: readonly string[], at: number): string {
  const label = template.approval ?? 'Deployment Approved By';
  return `${label}: ${approvers.join(', ')}  Date: ${new Date(at).toISOString().slice(0, 10)}`;
}

export type RoleChangeDecision =
  | {
      ok: true;
      /** The go-live's roles after the change: the template's roles as given, others as they were. */
      roles: Record<string, string[]>;
      /** Role ids whose holders changed; empty when nothing changes. */
      changed: string[];
    }
  | Refused;

/**
 * Edit roles: the deployer or a holder of the sign-off role, while the go-live is active, only the template's
 * roles. Each given role is replaced as a whole (an empty list clears it); roles not given stay.
 */
export function decideRoleChange(
  goLive: GoLive,
  userId: Actor,
  groups: GroupMembers,
  given: Record<string, readonly string[]>,
): RoleChangeDecision {
  if (!isActive(goLive.status)) return refuse({ code: 'lifecycle', status: goLive.status, refusal: 'ended' });
  const notAllowed = deployerOrSignOffRole(goLive, userId, groups);
  if (notAllowed) return notAllowed;
  const unknown = Object.keys(given).filter((role) => !(role in goLive.template.roles));
  if (unknown.length > 0) return refuse({ code: 'unknown-roles', roles: unknown });
  const roles: Record<string, string[]> = { ...goLive.roles };
  const changed: string[] = [];
  for (const [role, mentions] of Object.entries(given)) {
    const next = [...new Set(mentions)];
    const before = goLive.roles[role] ?? [];
    if (next.length === before.length && next.every((m, i) => m === before[i])) continue;
    changed.push(role);
    if (next.length === 0) delete roles[role];
    else roles[role] = next;
  }
  return { ok: true, roles, changed };
}
