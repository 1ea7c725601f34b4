// The sign-off forms: one text field (Reject's reason, Approve with exceptions' justification, Abort's reason,
// a post-launch change's reason) and Edit roles. Each builder has its reader beside it.
import type { types } from '@slack/bolt';
import { REASON_MAX_LENGTH } from '../../domain/checklist.js';
import type { GoLive } from '../../domain/go-live.js';
import { SIGN_OFF_TEXT_MAX_LENGTH } from '../../domain/signoff.js';
import { VIEW } from '../ids.js';
import type { ItemAction } from '../ids.js';
import { plain, section } from './common.js';
import type { Block, ModalView } from './common.js';
import { LIMITS } from './limits.js';
import type { ViewStateValues } from './modals.js';
import { roleMention, safeName, safeText, truncate } from './mrkdwn.js';

export const TEXT_FIELD = 'text';

/** What the one-field form is for, and what it acts on; carried in private_metadata. */
export type TextFormPurpose =
  | { kind: 'reject'; goLiveId: string; round: number }
  | { kind: 'exceptions'; goLiveId: string; round: number }
  | { kind: 'abort'; goLiveId: string }
  | { kind: 'post-launch'; goLiveId: string; itemId: string; action: Exclude<ItemAction, 'note'> };

const FORM: Record<
  TextFormPurpose['kind'],
  { title: string; label: string; hint: string; submit: string; max: number }
> = {
  reject: {
    title: 'Reject go-live',
    label: 'Why do you reject it?',
    hint: 'Posted in the thread and sent to the deployer.',
    submit: 'Reject',
    max: SIGN_OFF_TEXT_MAX_LENGTH,
  },
  exceptions: {
    title: 'Approve with exceptions',
    label: 'Why approve despite what stands in the way?',
    hint: 'Recorded with your approval and shown in the thread.',
    submit: 'Approve',
    max: SIGN_OFF_TEXT_MAX_LENGTH,
  },
  abort: {
    title: 'Abort go-live',
    label: 'Why abort it?',
    hint: 'Posted in the thread; the lock is released.',
    submit: 'Abort',
    max: SIGN_OFF_TEXT_MAX_LENGTH,
  },
  'post-launch': {
    title: 'Post-launch change',
    label: 'Why change it after Go live?',
    hint: 'The checklist is locked after Go live: the change is shown and recorded as a post-launch change.',
    submit: 'Save',
    max: REASON_MAX_LENGTH,
  },
};

export function renderTextForm(purpose: TextFormPurpose, goLive: GoLive, about?: string): ModalView {
  const form = FORM[purpose.kind];
  const blocks: Block[] = [
    section(
      `${safeName(goLive.service)} · ${safeName(goLive.environment)}${about !== undefined ? `\n${truncate(about, 2000)}` : ''}`,
    ),
  ];
  blocks.push({
    type: 'input',
    block_id: TEXT_FIELD,
    label: plain(form.label, LIMITS.inputLabel),
    element: { type: 'plain_text_input', action_id: TEXT_FIELD, multiline: true, min_length: 1, max_length: form.max },
    hint: plain(form.hint, LIMITS.inputHint),
  });
  return {
    type: 'modal',
    callback_id: VIEW.signOffText,
    title: plain(form.title, LIMITS.viewTitle),
    submit: plain(form.submit, LIMITS.viewSubmitClose),
    close: plain('Cancel', LIMITS.viewSubmitClose),
    private_metadata: JSON.stringify(purpose),
    blocks,
  };
}

export function readTextFormPurpose(privateMetadata: string): TextFormPurpose | undefined {
  try {
    const p = JSON.parse(privateMetadata) as Partial<Record<string, unknown>>;
    const id = typeof p.goLiveId === 'string' ? p.goLiveId : undefined;
    if (id === undefined) return undefined;
    if ((p.kind === 'reject' || p.kind === 'exceptions') && typeof p.round === 'number')
      return { kind: p.kind, goLiveId: id, round: p.round };
    if (p.kind === 'abort') return { kind: 'abort', goLiveId: id };
    if (
      p.kind === 'post-launch' &&
      typeof p.itemId === 'string' &&
      (p.action === 'done' || p.action === 'open' || p.action === 'na' || p.action === 'blocked')
    ) {
      return { kind: 'post-launch', goLiveId: id, itemId: p.itemId, action: p.action };
    }
  } catch {
    // Not a form we built: the caller answers with an error.
  }
  return undefined;
}

export function readTextForm(values: ViewStateValues): string {
  return values[TEXT_FIELD]?.[TEXT_FIELD]?.value?.trim() ?? '';
}

/** Edit roles: one field per template role, people and groups as Slack writes them. */
export function renderRolesForm(goLive: GoLive): ModalView {
  const blocks: Block[] = [
    section(
      `Who is who for ${safeName(goLive.service)} · ${safeName(goLive.environment)}. Mention people and groups (\`@dana\`, \`@dba-team\`); an empty field clears the role.`,
    ),
  ];
  for (const [role, spec] of Object.entries(goLive.template.roles).slice(0, 20)) {
    const element: types.PlainTextInput = { type: 'plain_text_input', action_id: role, max_length: 2000 };
    const current = (goLive.roles[role] ?? []).join(' ');
    if (current !== '') element.initial_value = truncate(current, 2000);
    blocks.push({
      type: 'input',
      block_id: role,
      optional: true,
      label: plain(safeText(spec.label, 100), LIMITS.inputLabel),
      element,
      hint: plain(`Now: ${(goLive.roles[role] ?? []).map(roleMention).join(', ') || 'not set'}`, LIMITS.inputHint),
    });
  }
  return {
    type: 'modal',
    callback_id: VIEW.editRoles,
    title: plain('Edit roles', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewSubmitClose),
    close: plain('Cancel', LIMITS.viewSubmitClose),
    private_metadata: goLive.id,
    blocks,
  };
}

/** Role id → the text typed (the command parser's mention rules apply to it). */
export function readRolesForm(values: ViewStateValues, goLive: GoLive): Record<string, string> {
  return Object.fromEntries(
    Object.keys(goLive.template.roles).map((role) => [role, values[role]?.[role]?.value?.trim() ?? '']),
  );
}
