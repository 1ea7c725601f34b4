// The sign-off forms' submissions: Reject (reason), Approve with exceptions (justification), Abort (reason), a
// post-launch change (reason) and Edit roles. An empty or malformed field is answered in the form itself;
// otherwise the form closes and the step runs after the ack, its refusal told privately in the thread.
import type { Listeners } from '../listeners.js';
import { parseMentions } from '../../domain/command.js';
import type { GoLive } from '../../domain/go-live.js';
import { VIEW } from '../ids.js';
import { renderError } from '../blocks/replies.js';
import { refusalText } from '../blocks/signoff.js';
import { readRolesForm, readTextForm, readTextFormPurpose, TEXT_FIELD } from '../blocks/signoff-modals.js';
import { section } from '../blocks/common.js';
import { tellPrivately } from '../respond.js';
import { itemChangeRefusal, failureText } from '../words.js';
import { signOffAnswer } from '../actions/signoff.js';
import type { SlackServices } from '../services.js';

/** Tells the person privately in the go-live's thread. */
function tellIn(
  services: SlackServices,
  goLive: GoLive | undefined,
  user: string,
  text: string,
  error = true,
): Promise<void> {
  const message = error ? renderError(text) : { text, blocks: [section(text)] };
  if (!goLive) {
    services.logger.warn({ user }, text);
    return Promise.resolve();
  }
  return tellPrivately(
    services.slack,
    services.logger,
    { user, channel: goLive.channelId, ...(goLive.rootTs !== undefined ? { threadTs: goLive.rootTs } : {}) },
    message,
  );
}

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.view(VIEW.signOffText, async ({ ack, body, view }) => {
    const purpose = readTextFormPurpose(view.private_metadata);
    if (!purpose) {
      await ack({
        response_action: 'errors',
        errors: { [TEXT_FIELD]: 'This form is out of date; close it and try again.' },
      });
      return;
    }
    const text = readTextForm(view.state.values);
    if (text === '') {
      await ack({ response_action: 'errors', errors: { [TEXT_FIELD]: 'Write a few words: this is required.' } });
      return;
    }
    await ack();
    const user = body.user.id;
    const deliveryKey = `view:${view.id}:${view.hash}`;
    await services.work.afterAck(async () => {
      try {
        if (purpose.kind === 'abort') {
          const outcome = await services.signOffs.abort({ goLiveId: purpose.goLiveId, userId: user, reason: text });
          if (!outcome.ok) {
            const goLive = outcome.code === 'refused' ? outcome.goLive : undefined;
            await tellIn(
              services,
              goLive,
              user,
              outcome.code === 'refused'
                ? `${refusalText(outcome.refusal, outcome.goLive)} Nothing changed.`
                : 'that go-live no longer exists.',
            );
          }
          return;
        }
        if (purpose.kind === 'post-launch') {
          const outcome = await services.goLives.changeItem({
            goLiveId: purpose.goLiveId,
            itemId: purpose.itemId,
            state: purpose.action,
            reason: text,
            userId: user,
            deliveryKey,
            postLaunch: true,
          });
          if (!outcome.ok)
            await tellIn(services, 'goLive' in outcome ? outcome.goLive : undefined, user, itemChangeRefusal(outcome));
          return;
        }
        const action =
          purpose.kind === 'reject'
            ? ({ kind: 'reject', round: purpose.round, reason: text } as const)
            : ({ kind: 'approve', round: purpose.round, justification: text } as const);
        const outcome = await services.signOffs.act({ goLiveId: purpose.goLiveId, userId: user, action, deliveryKey });
        const answer = signOffAnswer(outcome, action.kind);
        const goLive = outcome.ok || outcome.code !== 'not-found' ? outcome.goLive : undefined;
        if (answer) await tellIn(services, goLive, user, answer.text, answer.error);
      } catch (error) {
        services.logger.error({ err: error, goLiveId: purpose.goLiveId, form: purpose.kind }, 'a sign-off form failed');
        await tellIn(services, await services.store.getGoLive(purpose.goLiveId), user, failureText(error));
      }
    });
  });

  listeners.view(VIEW.editRoles, async ({ ack, body, view }) => {
    const goLive = await services.store.getGoLive(view.private_metadata);
    if (!goLive) {
      await ack({ response_action: 'errors', errors: {} });
      return;
    }
    const typed = readRolesForm(view.state.values, goLive);
    const roles: Record<string, string[]> = {};
    const errors: Record<string, string> = {};
    for (const [role, text] of Object.entries(typed)) {
      const parsed = parseMentions(text);
      if (parsed.ok) roles[role] = parsed.value;
      else
        errors[role] = parsed.reason
          .replace(/`/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&');
    }
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const user = body.user.id;
    await services.work.afterAck(async () => {
      try {
        const outcome = await services.signOffs.act({
          goLiveId: goLive.id,
          userId: user,
          action: { kind: 'set-roles', roles },
          deliveryKey: `view:${view.id}:${view.hash}`,
        });
        const answer = signOffAnswer(outcome, 'set-roles');
        if (answer) await tellIn(services, goLive, user, answer.text, answer.error);
      } catch (error) {
        services.logger.error({ err: error, goLiveId: goLive.id }, 'Edit roles failed');
        await tellIn(services, goLive, user, failureText(error));
      }
    });
  });
}
