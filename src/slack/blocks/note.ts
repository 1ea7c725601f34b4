// The note form (the seed's Notes block: date, environment, deployed by, notes and deviations) and the note as it
// is posted in the thread. A note on an item asks only for its text.
import type { types } from '@slack/bolt';
import { NOTE_TEXT_MAX } from '../../domain/note.js';
import type { Note, NoteFields } from '../../domain/note.js';
import type { Block, ModalView, SlackMessage } from './common.js';
import { context, plain, section } from './common.js';
import { textValue } from './modals.js';
import type { ViewStateValues } from './modals.js';
import { LIMITS } from './limits.js';
import { NAME_MAX, escapeMrkdwn, mention, safeName, slackDate, truncate } from './mrkdwn.js';
import { VIEW } from '../ids.js';

export const NOTE_FIELD = {
  date: 'note_date',
  environment: 'note_environment',
  deployedBy: 'note_deployed_by',
  text: 'note_text',
} as const;

/** Section text Slack accepts, and the characters a whole message's blocks may carry (our 12k budget). */
const SECTION_MAX = LIMITS.sectionText;
const MESSAGE_TEXT_BUDGET = 12_000;

export interface NoteFormOptions {
  goLiveId: string;
  service: string;
  environment: string;
  startedBy: string;
  /** `YYYY-MM-DD`, today. */
  today: string;
  item?: { id: string; text: string };
}

export function renderNoteForm(opts: NoteFormOptions): ModalView {
  const blocks: Block[] = [];
  // Each element's action_id is its block_id, as readNoteForm reads them.
  const input = (id: string, label: string, element: types.InputBlockElement, optional = false): types.InputBlock => ({
    type: 'input',
    block_id: id,
    label: plain(label, LIMITS.inputLabel),
    element,
    ...(optional ? { optional: true } : {}),
  });
  if (opts.item) {
    blocks.push(
      section(`Note on an item of *${safeName(opts.service, NAME_MAX.service)}*:\n${truncate(opts.item.text, 2000)}`),
    );
  } else {
    blocks.push(
      section(
        `Notes for *${safeName(opts.service, NAME_MAX.service)}*: what happened, issues, deviations from the checklist.`,
      ),
    );
    blocks.push(
      input(NOTE_FIELD.date, 'Date', { type: 'datepicker', action_id: NOTE_FIELD.date, initial_date: opts.today }),
    );
    blocks.push(
      input(NOTE_FIELD.environment, 'Environment', {
        type: 'plain_text_input',
        action_id: NOTE_FIELD.environment,
        initial_value: opts.environment.slice(0, 60),
        max_length: 60,
      }),
    );
    blocks.push(
      input(
        NOTE_FIELD.deployedBy,
        'Deployed By',
        { type: 'users_select', action_id: NOTE_FIELD.deployedBy, initial_user: opts.startedBy },
        true,
      ),
    );
  }
  blocks.push(
    input(NOTE_FIELD.text, opts.item ? 'Note' : 'Notes and deviations', {
      type: 'plain_text_input',
      action_id: NOTE_FIELD.text,
      multiline: true,
      min_length: 1,
      max_length: NOTE_TEXT_MAX,
    }),
  );
  blocks.push(context('Shown in the thread with your name and kept in the go-live record.'));
  return {
    type: 'modal',
    callback_id: VIEW.note,
    title: plain(opts.item ? 'Note on an item' : 'Add note', LIMITS.viewTitle),
    submit: plain('Add note', LIMITS.viewSubmitClose),
    close: plain('Cancel', LIMITS.viewSubmitClose),
    private_metadata: opts.item ? `${opts.goLiveId}|${opts.item.id}` : opts.goLiveId,
    blocks,
  };
}

/** What the form sent. */
export function readNoteForm(values: ViewStateValues): { fields: NoteFields; text: string } {
  const state = values as Record<
    string,
    Record<string, { selected_date?: string | null; selected_user?: string | null }>
  >;
  const fields: NoteFields = {};
  const date = state[NOTE_FIELD.date]?.[NOTE_FIELD.date]?.selected_date;
  const environment = textValue(values, NOTE_FIELD.environment);
  const deployedBy = state[NOTE_FIELD.deployedBy]?.[NOTE_FIELD.deployedBy]?.selected_user;
  if (date) fields.date = date;
  if (environment) fields.environment = environment;
  if (deployedBy) fields.deployedBy = deployedBy;
  return { fields, text: textValue(values, NOTE_FIELD.text) ?? '' };
}

/** The note's text as section blocks of at most 3,000 characters each; undefined when the whole would not fit a message. */
function textSections(text: string): Block[] | undefined {
  const escaped = escapeMrkdwn(text);
  if (escaped.length > MESSAGE_TEXT_BUDGET) return undefined;
  const parts: Block[] = [];
  let rest = escaped;
  while (rest.length > 0) {
    // Cut at a line break or space before the limit, never inside an `&amp;`-style entity.
    let cut =
      rest.length <= SECTION_MAX
        ? rest.length
        : Math.max(rest.lastIndexOf('\n', SECTION_MAX), rest.lastIndexOf(' ', SECTION_MAX));
    if (cut <= 0) cut = SECTION_MAX;
    const amp = rest.lastIndexOf('&', cut - 1);
    if (amp >= 0 && amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
    parts.push(section(rest.slice(0, cut)));
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  return parts;
}

/** Why a note cannot be posted as typed, or undefined when it can. */
export function noteTooLong(text: string): string | undefined {
  if (text.length > NOTE_TEXT_MAX)
    return `The note is ${text.length} characters long; Slack takes at most ${NOTE_TEXT_MAX} here.`;
  if (!textSections(text))
    return 'Once formatted for Slack the note is too long for one message: shorten it or leave out symbols such as & < >.';
  return undefined;
}

/** The note in the thread: who, when, on what, then its text. */
export function renderNote(note: Note, itemText?: string): SlackMessage {
  const on = itemText !== undefined ? ` on _${truncate(itemText.replace(/[_*]/g, ''), 200)}_` : '';
  const fields: string[] = [];
  if (note.fields.date) fields.push(`*Date:* ${escapeMrkdwn(note.fields.date)}`);
  if (note.fields.environment) fields.push(`*Environment:* ${safeName(note.fields.environment, 60)}`);
  if (note.fields.deployedBy) fields.push(`*Deployed By:* ${mention(note.fields.deployedBy)}`);
  const blocks: Block[] = [context(`:memo: Note by ${mention(note.by)}${on} · ${slackDate(note.at)}`)];
  if (fields.length > 0) blocks.push(section(fields.join('\n')));
  blocks.push(...(textSections(note.text) ?? [section(escapeMrkdwn(truncate(note.text, 2000)))]));
  return { text: `Note by ${note.by === 'golive' ? 'Golive' : `<@${note.by}>`}: ${truncate(note.text, 150)}`, blocks };
}
