// `/golive`: ack at once, then parse → service → a private answer. Only `start` posts in the channel.
import type { RespondFn, SlashCommand } from '@slack/bolt';
import type { Listeners } from '../listeners.js';
import { parseCommand } from '../../domain/command.js';
import { isPrivateChannel } from '../../domain/visibility.js';
import type { GoliveCommand } from '../../domain/command.js';
import { renderError, renderHelp, renderStatus } from '../blocks/replies.js';
import { renderStartModal } from '../blocks/modals.js';
import type { SlackMessage } from '../blocks/common.js';
import { abortRefusal, explainSlackFailure, startAnswer, failureText } from '../words.js';
import { tellPrivately } from '../respond.js';
import { checkCommand } from '../actions/run-checks.js';
import { signOffAnswer } from '../actions/signoff.js';
import { section } from '../blocks/common.js';
import { safeName } from '../blocks/mrkdwn.js';
import type { SlackServices } from '../services.js';
import { reportCommand } from '../actions/report.js';

export const COMMAND = '/golive';

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.command(COMMAND, async ({ command, ack, respond }) => {
    await ack();
    await services.work.afterAck(async () => {
      let first = true;
      try {
        first = !command.trigger_id || (await services.store.claimDelivery(`command:${command.trigger_id}`));
      } catch (error) {
        // A database refusing writes still gets every command an answer: reads (help, status) work, writes say why not.
        services.logger.error({ err: error }, 'could not record the /golive delivery');
      }
      if (first) await handle(services, command, respond);
    });
  });
}

async function handle(services: SlackServices, command: SlashCommand, respond: RespondFn): Promise<void> {
  const reply = (message: SlackMessage) =>
    tellPrivately(
      services.slack,
      services.logger,
      { user: command.user_id, channel: command.channel_id, respond },
      message,
    );
  const parsed = parseCommand(command.text ?? '');
  if (!parsed.ok) return reply(renderError(parsed.reason, parsed.usage));
  try {
    await run(services, command, parsed.command, reply);
  } catch (error) {
    services.logger.error({ err: error, kind: parsed.command.kind }, '/golive failed');
    await reply(renderError(failureText(error)));
  }
}

async function run(
  services: SlackServices,
  command: SlashCommand,
  parsed: GoliveCommand,
  reply: (message: SlackMessage) => Promise<void>,
): Promise<void> {
  const { goLives, templates, slack } = services;
  // A private channel's go-live is named and acted on only from its own channel (src/domain/visibility.ts).
  const channelId = command.channel_id;
  const privateChannel = isPrivateChannel({ id: channelId, name: command.channel_name });
  switch (parsed.kind) {
    case 'help':
      return reply(renderHelp());
    case 'start-modal': {
      const roleLabels = Object.fromEntries(
        Object.entries(templates.default.roles).map(([id, spec]) => [id, spec.label]),
      );
      const opened = await slack.openView(
        command.trigger_id,
        renderStartModal({
          templates: templates.list().map((t) => ({ id: t.id, name: t.name })),
          defaultTemplateId: templates.default.id,
          channelId,
          privateChannel,
          roleLabels,
        }),
      );
      if (!opened.ok) return reply(renderError(`I could not open the form: ${explainSlackFailure(opened.error)}`));
      return;
    }
    case 'start': {
      const { kind: _kind, ...args } = parsed;
      const outcome = await goLives.start({ args, channelId, privateChannel, userId: command.user_id });
      const answer = startAnswer(outcome);
      return answer ? reply(answer) : undefined;
    }
    case 'status':
      return reply(
        renderStatus(
          await goLives.status({ channelId, ...(parsed.service !== undefined ? { service: parsed.service } : {}) }),
          parsed.service,
        ),
      );
    case 'abort': {
      const outcome = await goLives.abort({
        service: parsed.service,
        reason: parsed.reason,
        userId: command.user_id,
        channelId,
        ...(parsed.environment !== undefined ? { environment: parsed.environment } : {}),
      });
      if (!outcome.ok) return reply(renderError(abortRefusal(outcome)));
      return reply({
        text: `Aborted ${outcome.goLive.service} ${outcome.goLive.environment}.`,
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: `:no_entry_sign: Aborted *${outcome.goLive.service}* · ${outcome.goLive.environment}.`,
            },
          },
        ],
      });
    }
    case 'live': {
      const outcome = await services.signOffs.goLiveByService({
        service: parsed.service,
        userId: command.user_id,
        channelId,
        ...(parsed.environment !== undefined ? { environment: parsed.environment } : {}),
      });
      if (!outcome.ok && 'environments' in outcome) {
        const where = parsed.environment === undefined ? parsed.service : `${parsed.service} ${parsed.environment}`;
        return reply(
          renderError(
            outcome.code === 'no-active'
              ? `no active go-live for \`${where}\`.`
              : `\`${parsed.service}\` is going live in ${outcome.environments.map((e) => `\`${e}\``).join(', ')}: say which with \`env=<environment>\`.`,
          ),
        );
      }
      const answer = signOffAnswer(outcome, 'go-live');
      if (answer)
        return reply(answer.error ? renderError(answer.text) : { text: answer.text, blocks: [section(answer.text)] });
      return outcome.ok
        ? reply({
            text: `${outcome.goLive.service} is live.`,
            blocks: [
              section(
                `:rocket: *${safeName(outcome.goLive.service)}* · ${safeName(outcome.goLive.environment)} is *Live*; the approval line is in the thread.`,
              ),
            ],
          })
        : undefined;
    }
    case 'check':
      return checkCommand(
        services,
        {
          service: parsed.service,
          ...(parsed.section !== undefined ? { section: parsed.section } : {}),
          userId: command.user_id,
          channelId,
        },
        reply,
      );
    case 'report':
      return reportCommand(
        services,
        {
          service: parsed.service,
          ...(parsed.environment !== undefined ? { environment: parsed.environment } : {}),
          userId: command.user_id,
          channelId,
        },
        reply,
      );
  }
}
