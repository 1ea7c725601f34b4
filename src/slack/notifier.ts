// The Slack side of the Notifier port: what a service reports lands in the go-live's thread as words and blocks.
import type { Logger } from 'pino';
import { sleep } from '../clock.js';
import type { ClockTimer } from '../clock.js';
import type { GoLive } from '../domain/go-live.js';
import type { CheckRunSummary, Notifier } from '../services/ports.js';
import { renderCheckSummary } from './blocks/check-summary.js';
import type { SlackMessage } from './blocks/common.js';
import { section } from './blocks/common.js';
import type { SlackGateway } from './gateway.js';

export class SlackNotifier implements Notifier {
  constructor(
    private readonly slack: SlackGateway,
    private readonly logger: Logger,
    /** Waits out a 429's Retry-After before posting again. */
    private readonly clock: ClockTimer,
  ) {}

  checkSummary(goLive: GoLive, summary: CheckRunSummary): Promise<boolean> {
    const message = renderCheckSummary(summary.results, {
      service: goLive.service,
      environment: goLive.environment,
      ...(summary.sectionTitle !== undefined ? { sectionTitle: summary.sectionTitle } : {}),
      by: summary.by,
      finishedAt: summary.finishedAt,
      durationMs: summary.durationMs,
    });
    return this.post(goLive, message, 'the check summary');
  }

  checkRunFailed(goLive: GoLive): Promise<boolean> {
    const message: SlackMessage = {
      text: 'The checks could not finish; it is logged.',
      blocks: [
        section(
          ':warning: The checks could not finish because of an error on my side; it is logged. Try again in a moment.',
        ),
      ],
    };
    return this.post(goLive, message, 'the check failure notice');
  }

  /** Posts in the go-live's thread, once more after a 429's Retry-After. */
  private async post(goLive: GoLive, message: SlackMessage, what: string): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const posted = await this.slack.postMessage({
        channel: goLive.channelId,
        ...(goLive.rootTs !== undefined ? { threadTs: goLive.rootTs } : {}),
        ...message,
      });
      if (posted.ok) return true;
      if (posted.kind !== 'rate-limited') break;
      await sleep(this.clock, Math.min(posted.retryAfterMs, 30_000));
    }
    this.logger.error({ goLiveId: goLive.id }, `${what} could not be posted`);
    return false;
  }
}
