// The sign-off buttons: Request approval, Go live, Abort and Edit roles on the root; Approve, Reject and Approve
// with exceptions on the approval request; Sign off section on a section. A one-click step is saved before
// its ack; a step that needs words (reject, exceptions, abort, roles) opens its form. Anyone the rules refuse
// is told privately what stands in the way, and nothing changes.
import type { BlockAction, ButtonAction } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import { isActive } from '../../domain/go-live.js';
import type { SignOffAction } from '../../../db/store.js';
import type { SignOffOutcome } from '../../services/signoff-service.js';
import { ACTION, decodeRound } from '../ids.js';
import { renderError } from '../blocks/replies.js';
import { refusalText } from '../blocks/signoff.js';
import { renderRolesForm, renderTextForm } from '../blocks/signoff-modals.js';
import type { TextFormPurpose } from '../blocks/signoff-modals.js';
import type { SlackMessage } from '../blocks/common.js';
import { section } from '../blocks/common.js';
import { explainSlackFailure, GO_LIVE_GONE, failureText } from '../words.js';
import { clickDeliveryKey, firstDelivery, tellClicker } from './click.js';
import type { SlackServices } from '../services.js';

const tell = (services: SlackServices, body: BlockAction, text: string): Promise<void> =>
  tellClicker(services, body, renderError(text));
const note = (services: SlackServices, body: BlockAction, text: string): Promise<void> => {
  const message: SlackMessage = { text, blocks: [section(text)] };
  return tellClicker(services, body, message);
};

/** What the person who asked for a step reads privately, if anything: refusals, repeats, unreachable people. */
export function signOffAnswer(
  outcome: SignOffOutcome,
  kind: SignOffAction['kind'],
): { error: boolean; text: string } | undefined {
  if (!outcome.ok) {
    if (outcome.code === 'not-found') return { error: true, text: GO_LIVE_GONE };
    if (outcome.code === 'stale-request')
      return {
        error: true,
        text: 'this approval request was replaced by a newer one (or revoked): use the buttons of the latest request. Nothing changed.',
      };
    return { error: true, text: `${refusalText(outcome.refusal, outcome.goLive)} Nothing changed.` };
  }
  const lines: string[] = [];
  if (!outcome.changed && kind === 'approve')
    lines.push('You have already approved this request; an approval counts once.');
  if (!outcome.changed && kind === 'sign-off-section') lines.push('You have already signed off this section.');
  if (outcome.unresolvedGroups.length > 0) {
    lines.push(
      `:warning: I could not read the members of ${outcome.unresolvedGroups.map((g) => `<!subteam^${g}>`).join(', ')} from Slack: they were not asked directly. Try again in a minute, or name the people.`,
    );
  }
  if (outcome.unreachable.length > 0)
    lines.push(
      `:warning: I could not send the request directly to ${outcome.unreachable.map((u) => `<@${u}>`).join(', ')}; they can still approve in the thread.`,
    );
  return lines.length > 0 ? { error: false, text: lines.join('\n') } : undefined;
}

/** Runs one step for the clicker and answers them privately when there is something to say. */
async function step(
  services: SlackServices,
  body: BlockAction,
  goLiveId: string,
  action: SignOffAction,
  deliveryKey: string,
): Promise<void> {
  const outcome = await services.signOffs.act({ goLiveId, userId: body.user.id, action, deliveryKey });
  const answer = signOffAnswer(outcome, action.kind);
  if (answer) await (answer.error ? tell(services, body, answer.text) : note(services, body, answer.text));
}

/** Opens a form, after a first look that the person may use it (the submission is decided again). */
async function openForm(
  services: SlackServices,
  body: BlockAction,
  view: Parameters<SlackServices['slack']['openView']>[1],
): Promise<void> {
  const opened = await services.slack.openView(body.trigger_id, view);
  if (!opened.ok) await tell(services, body, `I could not open the form: ${explainSlackFailure(opened.error)}`);
}

export function register(listeners: Listeners, services: SlackServices): void {
  // Ack first (Slack's 3 s); the step's delivery is claimed in its own transaction, so a retry changes nothing.
  const onClick = (
    actionId: string,
    run: (body: BlockAction, action: ButtonAction, deliveryKey: string) => Promise<void>,
  ) => {
    listeners.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      await services.work.afterAck(async () => {
        try {
          await run(body, action, clickDeliveryKey(body, action));
        } catch (error) {
          services.logger.error({ err: error, actionId }, 'a sign-off click failed');
          await tell(services, body, failureText(error));
        }
      });
    });
  };

  onClick(ACTION.requestApproval, (body, action, key) =>
    step(services, body, action.value ?? '', { kind: 'request-approval' }, key),
  );
  onClick(ACTION.goLive, (body, action, key) => step(services, body, action.value ?? '', { kind: 'go-live' }, key));
  onClick(ACTION.approve, async (body, action, key) => {
    const value = decodeRound(action.value ?? '');
    if (!value) return tell(services, body, 'I did not understand that button; the message may be out of date.');
    return step(services, body, value.goLiveId, { kind: 'approve', round: value.round }, key);
  });
  onClick(ACTION.signOffSection, (body, action, key) => {
    const [goLiveId = '', sectionId = ''] = (action.value ?? '').split('|');
    return step(services, body, goLiveId, { kind: 'sign-off-section', sectionId }, key);
  });

  const formFor = (actionId: string, purpose: (value: string) => TextFormPurpose | undefined) =>
    onClick(actionId, async (body, action, key) => {
      if (!(await firstDelivery(services, key))) return;
      const p = purpose(action.value ?? '');
      if (!p) return tell(services, body, 'I did not understand that button; the message may be out of date.');
      const goLive = await services.store.getGoLive(p.goLiveId);
      if (!goLive) return tell(services, body, GO_LIVE_GONE);
      if (!isActive(goLive.status)) return tell(services, body, 'this go-live has ended. Nothing changed.');
      await openForm(services, body, renderTextForm(p, goLive));
    });
  formFor(ACTION.reject, (v) => {
    const r = decodeRound(v);
    return r ? { kind: 'reject', ...r } : undefined;
  });
  formFor(ACTION.approveWithExceptions, (v) => {
    const r = decodeRound(v);
    return r ? { kind: 'exceptions', ...r } : undefined;
  });
  formFor(ACTION.abort, (v) => (v ? { kind: 'abort', goLiveId: v } : undefined));

  onClick(ACTION.editRoles, async (body, action, key) => {
    if (!(await firstDelivery(services, key))) return;
    const goLive = await services.store.getGoLive(action.value ?? '');
    if (!goLive) return tell(services, body, GO_LIVE_GONE);
    if (!isActive(goLive.status)) return tell(services, body, 'this go-live has ended. Nothing changed.');
    await openForm(services, body, renderRolesForm(goLive));
  });
}
