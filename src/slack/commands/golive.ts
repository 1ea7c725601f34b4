// `/golive`: ack at once, then parse → service → a private answer. Only `start` posts in the channel.
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import { parseCommand } from '../../domain/command.js';
import type { GoliveCommand } from '../../domain/command.js';
import { renderError, renderHelp, renderLockHeld, renderStatus } from '../blocks/replies.js';
import { renderStartModal } from '../blocks/modals.js';
import type { SlackMessage } from '../blocks/common.js';
import { explainSlackFailure } from '../../services/go-live-service.js';
import { tellPrivately } from '../respond.js';
import { checkCommand } from '../actions/run-checks.js';
import { reportCommand } from '../actions/report.js';
import type { SlackServices } from '../app.js';

export const COMMAND = '/golive';

export function register(app: App, services: SlackServices): void {
  app.command(COMMAND, async ({ command, ack, respond }) => {
    await ack();
    await services.work.afterAck(async () => {
      if (command.trigger_id && !(await services.store.claimDelivery(`command:${command.trigger_id}`))) return;
      await handle(services, command, respond);
    });
  });
}

async function handle(services: SlackServices, command: SlashCommand, respond: RespondFn): Promise<void> {
  const reply = (message: SlackMessage) =>
    tellPrivately(services.slack, services.logger, { user: command.user_id, channel: command.channel_id, respond }, message);
  const parsed = parseCommand(command.text ?? '');
  if (!parsed.ok) return reply(renderError(parsed.reason, parsed.usage));
  try {
    await run(services, command, parsed.command, reply);
  } catch (error) {
    services.logger.error({ err: error, kind: parsed.command.kind }, '/golive failed');
    await reply(renderError('something went wrong on my side; it is logged. Try again in a moment.'));
  }
}

async function run(
  services: SlackServices,
  command: SlashCommand,
  parsed: GoliveCommand,
  reply: (message: SlackMessage) => Promise<void>,
): Promise<void> {
  const { goLives, templates, slack } = services;
  switch (parsed.kind) {
    case 'help':
      return reply(renderHelp());
    case 'start-modal': {
      const roleLabels = Object.fromEntries(Object.entries(templates.default.roles).map(([id, spec]) => [id, spec.label]));
      const opened = await slack.openView(
        command.trigger_id,
        renderStartModal({
          templates: templates.list().map((t) => ({ id: t.id, name: t.name })),
          defaultTemplateId: templates.default.id,
          channelId: command.channel_id,
          roleLabels,
        }),
      );
      if (!opened.ok) return reply(renderError(`I could not open the form: ${explainSlackFailure(opened)}`));
      return;
    }
    case 'start': {
      const { kind: _kind, ...args } = parsed;
      const outcome = await goLives.start({ args, channelId: command.channel_id, userId: command.user_id });
      if (outcome.ok) {
        if (outcome.incomplete) return reply(renderError(outcome.incomplete));
        return;
      }
      if (outcome.reason === 'locked') return reply(renderLockHeld(outcome.holder, outcome.permalink));
      return reply(renderError(outcome.message));
    }
    case 'status':
      return reply(renderStatus(await goLives.status(parsed.service), parsed.service));
    case 'abort': {
      const outcome = await goLives.abort({
        service: parsed.service,
        reason: parsed.reason,
        userId: command.user_id,
        ...(parsed.environment !== undefined ? { environment: parsed.environment } : {}),
      });
      if (!outcome.ok) return reply(renderError(outcome.message));
      return reply({
        text: `Aborted ${outcome.goLive.service} ${outcome.goLive.environment}.`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:no_entry_sign: Aborted *${outcome.goLive.service}* · ${outcome.goLive.environment}.` } }],
      });
    }
    case 'check':
      return checkCommand(services, { service: parsed.service, ...(parsed.section !== undefined ? { section: parsed.section } : {}), userId: command.user_id }, reply);
    case 'report':
      return reportCommand(services, { service: parsed.service, ...(parsed.environment !== undefined ? { environment: parsed.environment } : {}), userId: command.user_id }, reply);
  }
}
