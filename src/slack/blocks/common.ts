// Small Block Kit pieces shared by the builders: text objects, blocks, icons and the progress bar.
import type { types } from '@slack/bolt';
import type { CheckStatus } from '../../domain/check-kind.js';
import type { ItemState } from '../../domain/go-live.js';
import { LIMITS } from './limits.js';
import { truncate } from './mrkdwn.js';

export type Block = types.KnownBlock;
export type ModalView = types.ModalView;

/** What chat.postMessage / chat.update / chat.postEphemeral take: blocks and the plain fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: plain(text, LIMITS.headerText) };
}

export function section(text: string, extra: Partial<types.SectionBlock> = {}): types.SectionBlock {
  return { type: 'section', text: mrkdwn(text), ...extra };
}

export function context(...texts: string[]): types.ContextBlock {
  return { type: 'context', elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwn(t)) };
}

export function divider(): types.DividerBlock {
  return { type: 'divider' };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  const b: types.Button = { type: 'button', text: plain(text, LIMITS.buttonText), action_id: actionId, value };
  if (style) b.style = style;
  return b;
}

export const STATE_ICON: Record<ItemState, string> = {
  open: '☐',
  done: '✅',
  na: '➖',
  blocked: '⛔',
  failed: '❌',
};

export const STATE_LABEL: Record<ItemState, string> = {
  open: 'open',
  done: 'done',
  na: 'N/A',
  blocked: 'blocked',
  failed: 'failed',
};

export const CHECK_ICON: Record<CheckStatus, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '❗',
};

/** `▰▰▰▱▱▱▱▱▱▱ 26%`: readable in a notification, where blocks are not shown. */
export function progressBar(done: number, total: number, width = 10): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  // Never show a full bar or 100% before the last item is resolved.
  const shownFilled = done < total && filled === width ? width - 1 : filled;
  const percent = total === 0 ? 0 : done < total ? Math.min(99, Math.floor(ratio * 100)) : 100;
  return `${'▰'.repeat(shownFilled)}${'▱'.repeat(width - shownFilled)} ${percent}%`;
}
