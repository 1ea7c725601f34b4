// The start form (bare `/golive start`): the same checks as the command, errors shown beside the field, then
// the same start as the command; the outcome is told privately in the channel the command was typed in.
import type { Listeners } from '../listeners.js';
import { checkEnvironmentName, checkServiceName, checkUrl, parseRoleWords } from '../../domain/command.js';
import type { StartArgs } from '../../domain/command.js';
import { VIEW } from '../ids.js';
import { START_FIELD, readStartModal, readStartModalMetadata } from '../blocks/modals.js';
import type { ViewStateValues } from '../blocks/modals.js';
import { renderError } from '../blocks/replies.js';
import { startAnswer, failureText } from '../words.js';
import { tellPrivately } from '../respond.js';
import type { SlackServices } from '../services.js';

type FieldErrors = Record<string, string>;

/** The form's values as StartArgs, or the error to show under each field that is wrong. */
export function startArgsFromForm(
  values: ViewStateValues,
): { ok: true; args: StartArgs } | { ok: false; errors: FieldErrors } {
  const form = readStartModal(values);
  const errors: FieldErrors = {};
  // Slack shows plain text under a field: no mrkdwn escaping, so take the words without backticks.
  const plainText = (reason: string) =>
    reason.replace(/`/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const args: StartArgs = { service: '', environment: 'production', roles: { ...form.roles } };
  const service = checkServiceName(form.service);
  if (service.ok) args.service = service.value;
  else errors[START_FIELD.service] = plainText(service.reason);
  const environment = checkEnvironmentName(form.environment);
  if (environment.ok) args.environment = environment.value;
  else errors[START_FIELD.environment] = plainText(environment.reason);
  if (form.url !== undefined) {
    const url = checkUrl(form.url);
    if (url.ok) args.url = url.value;
    else errors[START_FIELD.url] = plainText(url.reason);
  }
  if (form.httpUrl !== undefined) {
    const httpUrl = checkUrl(form.httpUrl, 'plain-HTTP URL');
    if (httpUrl.ok) args.httpUrl = httpUrl.value;
    else errors[START_FIELD.httpUrl] = plainText(httpUrl.reason);
  }
  if (form.template !== undefined) args.template = form.template;
  if (form.groups !== undefined) {
    const roles = parseRoleWords(form.groups);
    if (!roles.ok) errors[START_FIELD.groups] = plainText(roles.reason);
    else
      for (const [role, people] of Object.entries(roles.value))
        args.roles[role] = [...new Set([...(args.roles[role] ?? []), ...people])];
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, args };
}

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.view(VIEW.startModal, async ({ ack, body, view }) => {
    const metadata = readStartModalMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [START_FIELD.service]: 'This form is out of date; type /golive start again.' },
      });
      return;
    }
    const form = startArgsFromForm(view.state.values);
    if (!form.ok) {
      await ack({ response_action: 'errors', errors: form.errors });
      return;
    }
    await ack();
    const user = body.user.id;
    const tell = (message: Parameters<typeof tellPrivately>[3]) =>
      tellPrivately(services.slack, services.logger, { user, channel: metadata.channelId }, message);
    await services.work.afterAck(async () => {
      if (!(await services.store.claimDelivery(`view:${view.id}:${view.hash}`))) return;
      try {
        const outcome = await services.goLives.start({
          args: form.args,
          channelId: metadata.channelId,
          privateChannel: metadata.privateChannel,
          userId: user,
        });
        const answer = startAnswer(outcome);
        if (answer) await tell(answer);
      } catch (error) {
        services.logger.error({ err: error }, 'start from the form failed');
        await tell(renderError(failureText(error)));
      }
    });
  });
}
