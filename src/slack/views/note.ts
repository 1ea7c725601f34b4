// Add note: the root's button (the seed's Notes block) and an item's "Add note…" open the form; a submission is
// saved with its audit event before the form closes, then posted in the thread with its author and time.
import type { BlockButtonAction } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import { findItem } from '../../domain/checklist.js';
import { utcDate } from '../../record/format.js';
import { explainSlackFailure, SOMETHING_WENT_WRONG } from '../words.js';
import { NOTE_FIELD, noteTooLong, readNoteForm, renderNote, renderNoteForm } from '../blocks/note.js';
import { renderError } from '../blocks/replies.js';
import { ACTION, VIEW } from '../ids.js';
import { tellPrivately } from '../respond.js';
import { clickDeliveryKey, firstDelivery, tellClicker } from '../actions/click.js';
import type { SlackServices } from '../services.js';

/** Opens the note form for the go-live, or for one of its items. */
export async function openNoteForm(
  services: SlackServices,
  triggerId: string,
  goLiveId: string,
  itemId: string | undefined,
  tell: (message: string) => Promise<void>,
): Promise<void> {
  const goLive = await services.store.getGoLive(goLiveId);
  if (!goLive) return tell('that go-live no longer exists.');
  const flat = itemId === undefined ? undefined : findItem(goLive.template, itemId);
  if (itemId !== undefined && !flat) return tell('that item is not in this go-live’s checklist.');
  const form = renderNoteForm({
    goLiveId,
    service: goLive.service,
    environment: goLive.environment,
    startedBy: goLive.startedBy,
    today: utcDate(services.clock.now()),
    ...(flat ? { item: { id: flat.item.id, text: flat.item.text } } : {}),
  });
  const opened = await services.slack.openView(triggerId, form);
  if (!opened.ok) await tell(`I could not open the form: ${explainSlackFailure(opened.error)}`);
}

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.action<BlockButtonAction>(ACTION.addNote, async ({ ack, body, action }) => {
    await ack();
    await services.work.afterAck(async () => {
      if (!(await firstDelivery(services, clickDeliveryKey(body, action)))) return;
      const tell = (message: string) => tellClicker(services, body, renderError(message));
      try {
        await openNoteForm(services, body.trigger_id, action.value ?? '', undefined, tell);
      } catch (error) {
        services.logger.error({ err: error }, 'opening the note form failed');
        await tell(SOMETHING_WENT_WRONG);
      }
    });
  });

  listeners.view(VIEW.note, async ({ ack, body, view }) => {
    const [goLiveId = '', itemId, ...rest] = view.private_metadata.split('|');
    const { fields, text } = readNoteForm(view.state.values);
    const problem =
      rest.length > 0 || goLiveId === ''
        ? 'This form is out of date; close it and open it again.'
        : text === ''
          ? 'Write the note.'
          : noteTooLong(text);
    if (problem) {
      await ack({ response_action: 'errors', errors: { [NOTE_FIELD.text]: problem } });
      return;
    }
    let added;
    try {
      // Saved before the form closes: once it is gone, the note is in the database.
      added = await services.store.addNote({
        goLiveId,
        ...(itemId !== undefined ? { itemId } : {}),
        by: body.user.id,
        fields,
        text,
        deliveryKey: `view:${view.id}:${view.hash}`,
      });
    } catch (error) {
      services.logger.error({ err: error, goLiveId }, 'saving a note failed');
      await ack({
        response_action: 'errors',
        errors: { [NOTE_FIELD.text]: 'Something went wrong on my side; it is logged. Try again in a moment.' },
      });
      return;
    }
    if (!added.ok) {
      await ack({
        response_action: 'errors',
        errors: { [NOTE_FIELD.text]: 'That go-live or item no longer exists; close this form.' },
      });
      return;
    }
    await ack();
    if (added.repeated) return;
    const { note, goLive } = added;
    await services.work.afterAck(async () => {
      if (goLive.rootTs === undefined) return;
      const itemText = note.itemId === undefined ? undefined : findItem(goLive.template, note.itemId)?.item.text;
      const posted = await services.slack.postMessage({
        channel: goLive.channelId,
        threadTs: goLive.rootTs,
        ...renderNote(note, itemText),
      });
      if (!posted.ok) {
        await tellPrivately(
          services.slack,
          services.logger,
          { user: note.by, channel: goLive.channelId, threadTs: goLive.rootTs },
          renderError(
            `your note is saved (it is in the record), but Slack refused to show it in the thread: ${explainSlackFailure(posted.error)}`,
          ),
        );
      }
    });
  });
}
