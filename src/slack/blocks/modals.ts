// The modals: starting a go-live (bare `/golive start`) and the reason for N/A or blocked. Each builder has
// a reader for the submitted state next to it, so block and action ids are written in one place only.
import { REASON_MAX_LENGTH } from '../../domain/checklist.js';
import { ROLE_KEYS } from '../../domain/command.js';
import type { RoleKey, StartArgs } from '../../domain/command.js';
import { isPrivateChannel } from '../../domain/visibility.js';
import { VIEW, encodeItemAction } from '../ids.js';
import type { ItemActionValue } from '../ids.js';
import type { types } from '@slack/bolt';
import { plain, section } from './common.js';
import type { Block, ModalView } from './common.js';
import { LIMITS } from './limits.js';
import { cleanLine, plainName, safeName, truncate } from './mrkdwn.js';

/** Block ids of the start modal; each input's action id is the same string. */
export const START_FIELD = {
  service: 'service',
  environment: 'environment',
  url: 'url',
  httpUrl: 'http_url',
  template: 'template',
  approvers: 'approvers',
  primary: 'primary',
  secondary: 'secondary',
  dba: 'dba',
  infra: 'infra',
  /** Groups typed as Slack sends them, `dba=<!subteam^S123>`, for roles a person picker cannot fill. */
  groups: 'groups',
} as const;

export const REASON_FIELD = 'reason';

const NAME_INPUT_MAX = 63;
const URL_INPUT_MAX = 500;

export interface TemplateChoice {
  id: string;
  name: string;
}

export interface StartModalOptions {
  templates: readonly TemplateChoice[];
  /** Selected unless the person picks another; the first template otherwise. */
  defaultTemplateId?: string;
  /** Where `/golive start` was typed: the go-live's thread goes there. Carried in private_metadata. */
  channelId: string;
  /** That channel is private (src/domain/visibility.ts): the go-live is seen only from there. Carried too. */
  privateChannel: boolean;
  /** Labels of the people fields, from the default template's roles (role id → label). */
  roleLabels?: Readonly<Record<string, string>>;
  /** Prefill, e.g. after a refused submission. */
  initial?: { service?: string; environment?: string; url?: string; httpUrl?: string };
}

export interface StartModalMetadata {
  channelId: string;
  privateChannel: boolean;
}

const DEFAULT_ROLE_LABEL: Record<RoleKey, string> = {
  approvers: 'Go-live approvers',
  primary: 'Primary On-Call',
  secondary: 'Secondary On-Call',
  dba: 'Database Admin',
  infra: 'Infrastructure Team',
};

function textInput(
  blockId: string,
  label: string,
  opts: { optional?: boolean; initial?: string; placeholder?: string; max: number; hint?: string; multiline?: boolean },
): types.InputBlock {
  const element: types.PlainTextInput = { type: 'plain_text_input', action_id: blockId, max_length: opts.max };
  if (opts.initial) element.initial_value = truncate(opts.initial, opts.max);
  if (opts.placeholder) element.placeholder = plain(opts.placeholder, LIMITS.placeholder);
  if (opts.multiline) element.multiline = true;
  const block: types.InputBlock = { type: 'input', block_id: blockId, label: plain(label, LIMITS.inputLabel), element };
  if (opts.optional) block.optional = true;
  if (opts.hint) block.hint = plain(opts.hint, LIMITS.inputHint);
  return block;
}

function option(t: TemplateChoice): types.PlainTextOption {
  return { text: plain(plainName(t.name || t.id, LIMITS.optionText), LIMITS.optionText), value: t.id };
}

export function renderStartModal(opts: StartModalOptions): ModalView {
  const blocks: Block[] = [
    textInput(START_FIELD.service, 'Service', {
      initial: opts.initial?.service,
      placeholder: 'checkout-api',
      max: NAME_INPUT_MAX,
    }),
    textInput(START_FIELD.environment, 'Environment', {
      initial: opts.initial?.environment ?? 'production',
      max: NAME_INPUT_MAX,
    }),
    textInput(START_FIELD.url, 'URL', {
      optional: true,
      initial: opts.initial?.url,
      placeholder: 'https://checkout.example.com',
      max: URL_INPUT_MAX,
      hint: 'The https address the automatic checks test.',
    }),
    textInput(START_FIELD.httpUrl, 'Plain-HTTP URL', {
      optional: true,
      initial: opts.initial?.httpUrl,
      placeholder: 'http://checkout.example.com',
      max: URL_INPUT_MAX,
      hint: 'For the HTTPS-redirect check; by default the same host on port 80.',
    }),
  ];
  // Slack caps a static select at 100 options; the value (template id) at 150 characters.
  const choices = opts.templates
    .filter((t) => t.id.length > 0 && t.id.length <= LIMITS.optionValue)
    .slice(0, LIMITS.selectMaxOptions);
  if (choices.length > 0) {
    const initial = choices.find((t) => t.id === opts.defaultTemplateId) ?? choices[0];
    const select: types.StaticSelect = {
      type: 'static_select',
      action_id: START_FIELD.template,
      options: choices.map(option),
    };
    if (initial) select.initial_option = option(initial);
    blocks.push({
      type: 'input',
      block_id: START_FIELD.template,
      label: plain('Checklist template', LIMITS.inputLabel),
      element: select,
    });
  }
  for (const key of Object.keys(ROLE_KEYS) as RoleKey[]) {
    const label = opts.roleLabels?.[ROLE_KEYS[key]] ?? DEFAULT_ROLE_LABEL[key];
    blocks.push({
      type: 'input',
      block_id: START_FIELD[key],
      optional: true,
      label: plain(cleanLine(label) || DEFAULT_ROLE_LABEL[key], LIMITS.inputLabel),
      element: { type: 'multi_users_select', action_id: START_FIELD[key] },
    });
  }
  blocks.push(
    textInput(START_FIELD.groups, 'User groups', {
      optional: true,
      max: 1000,
      hint: 'Optional, as in the command: dba=<!subteam^S123> infra=<!subteam^S456>',
    }),
  );
  const metadata: StartModalMetadata = { channelId: opts.channelId, privateChannel: opts.privateChannel };
  return {
    type: 'modal',
    callback_id: VIEW.startModal,
    title: plain('Start a go-live', LIMITS.viewTitle),
    submit: plain('Start', LIMITS.viewSubmitClose),
    close: plain('Cancel', LIMITS.viewSubmitClose),
    private_metadata: JSON.stringify(metadata),
    blocks,
  };
}

/** The part of `view.state.values` the readers need (Slack's shape, kept structural). */
export type ViewStateValues = Readonly<
  Record<
    string,
    Readonly<
      Record<
        string,
        {
          value?: string | null;
          selected_users?: string[] | null;
          selected_option?: { value: string } | null;
        }
      >
    >
  >
>;

/** The form's answers: a start's arguments (roles from the people fields) and the raw user-groups text. */
export interface StartModalValues extends StartArgs {
  /** Parsed like the command's `key=value` words. */
  groups?: string;
}

function field(values: ViewStateValues, id: string) {
  return values[id]?.[id];
}

export function textValue(values: ViewStateValues, id: string): string | undefined {
  const v = field(values, id)?.value?.trim();
  return v ? v : undefined;
}

/** What the person submitted in the start modal, untrimmed of meaning: the command parser's checks still apply. */
export function readStartModal(values: ViewStateValues): StartModalValues {
  const out: StartModalValues = {
    service: textValue(values, START_FIELD.service) ?? '',
    environment: textValue(values, START_FIELD.environment) ?? 'production',
    roles: {},
  };
  const url = textValue(values, START_FIELD.url);
  if (url) out.url = url;
  const httpUrl = textValue(values, START_FIELD.httpUrl);
  if (httpUrl) out.httpUrl = httpUrl;
  const template = field(values, START_FIELD.template)?.selected_option?.value;
  if (template) out.template = template;
  for (const key of Object.keys(ROLE_KEYS) as RoleKey[]) {
    const users = field(values, START_FIELD[key])?.selected_users ?? [];
    if (users.length > 0) out.roles[ROLE_KEYS[key]] = users.map((u) => `<@${u}>`);
  }
  const groups = textValue(values, START_FIELD.groups);
  if (groups) out.groups = groups;
  return out;
}

export function readStartModalMetadata(privateMetadata: string): StartModalMetadata | undefined {
  try {
    const parsed: unknown = JSON.parse(privateMetadata);
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'channelId' in parsed &&
      typeof parsed.channelId === 'string'
    ) {
      // A form opened before privacy was carried says nothing of it: its channel id is all there is to go on.
      const privateChannel =
        'privateChannel' in parsed ? parsed.privateChannel === true : isPrivateChannel({ id: parsed.channelId });
      return { channelId: parsed.channelId, privateChannel };
    }
  } catch {
    // A view we did not build: the caller answers with an error.
  }
  return undefined;
}

export interface ReasonModalOptions {
  action: 'na' | 'blocked';
  goLiveId: string;
  itemId: string;
  /** The item's text from the template (trusted mrkdwn), shown so the person knows what they are marking. */
  itemText: string;
  service?: string;
}

export function renderReasonModal(opts: ReasonModalOptions): ModalView {
  const value: ItemActionValue = { action: opts.action, goLiveId: opts.goLiveId, itemId: opts.itemId };
  const what = opts.action === 'na' ? 'N/A' : 'blocked';
  const blocks: Block[] = [];
  const where = opts.service ? ` (${safeName(opts.service)})` : '';
  blocks.push(section(`Marking as *${what}*${where}:\n${truncate(opts.itemText, 2000)}`));
  blocks.push({
    type: 'input',
    block_id: REASON_FIELD,
    label: plain(opts.action === 'na' ? 'Why does it not apply?' : 'What blocks it?', LIMITS.inputLabel),
    element: {
      type: 'plain_text_input',
      action_id: REASON_FIELD,
      multiline: true,
      min_length: 1,
      max_length: REASON_MAX_LENGTH,
    },
    hint: plain('Shown on the item in the thread and kept in the audit record.', LIMITS.inputHint),
  });
  return {
    type: 'modal',
    callback_id: VIEW.itemReason,
    title: plain(opts.action === 'na' ? 'Mark item N/A' : 'Mark item blocked', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewSubmitClose),
    close: plain('Cancel', LIMITS.viewSubmitClose),
    private_metadata: encodeItemAction(value),
    blocks,
  };
}

/** The reason typed in the reason modal, trimmed; undefined when empty. */
export function readReasonModal(values: ViewStateValues): string | undefined {
  return textValue(values, REASON_FIELD);
}
