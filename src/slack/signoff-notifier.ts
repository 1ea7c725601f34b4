// The Slack side of the SignOffNotifier port: notices in the go-live's thread, the approval request in the thread
// and to each approver directly (chat.postMessage to the user id lands in the app's Messages tab).
import type { Logger } from 'pino';
import type { Actor, ChecklistView, GoLive } from '../domain/go-live.js';
import { findItem } from '../domain/checklist.js';
import type { DirectNotice, SignOffNotice, SignOffNotifier } from '../services/signoff-ports.js';
import type { SlackGateway } from './gateway.js';
import { section } from './blocks/common.js';
import type { SlackMessage } from './blocks/common.js';
import { direct, notice, renderApprovalRequest } from './blocks/signoff.js';

function plainMessage(mrkdwnText: string): SlackMessage {
  // The fallback is the same sentence: notifications and screen readers show it.
  return { text: mrkdwnText, blocks: [section(mrkdwnText)] };
}

export class SlackSignOffNotifier implements SignOffNotifier {
  constructor(
    private readonly slack: SlackGateway,
    private readonly logger: Logger,
  ) {}

  async approvalRequest(view: ChecklistView, approvers: readonly Actor[], now: number): Promise<Actor[]> {
    const { goLive } = view;
    const message = renderApprovalRequest(view, view.signOff ?? { round: 0, approvals: [], sections: [] }, now);
    await this.post(goLive, message, 'the approval request');
    return this.sendDirect(goLive, approvers, message, 'the approval request');
  }

  thread(goLive: GoLive, n: SignOffNotice): Promise<boolean> {
    return this.post(goLive, plainMessage(this.words(goLive, n)), `the ${n.kind} notice`);
  }

  direct(goLive: GoLive, userIds: readonly Actor[], n: DirectNotice): Promise<Actor[]> {
    const text =
      n.kind === 'revoked'
        ? direct.revoked(goLive, n.by)
        : n.kind === 'withdrawn'
          ? direct.withdrawn(goLive, n.by, n.reason)
          : notice.rejected(goLive, n.by, n.reason);
    return this.sendDirect(goLive, userIds, plainMessage(text), `the ${n.kind} message`);
  }

  private words(goLive: GoLive, n: SignOffNotice): string {
    switch (n.kind) {
      case 'requested':
        return notice.requested(goLive, n.signOff);
      case 'approved':
        return notice.approved(goLive, n.by, n.signOff);
      case 'rejected':
        return notice.rejected(goLive, n.by, n.reason);
      case 'revoked': {
        const what =
          n.what === 'roles' ? 'The approvers were' : (findItem(goLive.template, n.what)?.item.text ?? n.what);
        return notice.revoked(goLive, n.approvers, n.by, what);
      }
      case 'section-revoked':
        return notice.sectionRevoked(goLive, n.sections);
      case 'section-signed-off':
        return notice.sectionSignedOff(goLive, n.sectionId, n.by);
      case 'live':
        return `:rocket: *Live.* ${n.approvalLine}`;
      case 'aborted':
        return notice.aborted(goLive, n.by, n.reason);
      case 'roles':
        return notice.roles(goLive, n.by, n.changed);
      case 'post-launch-change':
        return notice.postLaunchChange(n.by, findItem(goLive.template, n.itemId)?.item.text ?? n.itemId, n.reason);
    }
  }

  private async post(goLive: GoLive, message: SlackMessage, what: string): Promise<boolean> {
    const posted = await this.slack.postMessage({
      channel: goLive.channelId,
      ...(goLive.rootTs !== undefined ? { threadTs: goLive.rootTs } : {}),
      ...message,
    });
    if (!posted.ok)
      this.logger.error({ goLiveId: goLive.id, slackError: posted.error }, `${what} could not be posted in the thread`);
    return posted.ok;
  }

  /** One direct message per person, one after another (chat.postMessage is rate-limited); who could not be reached. */
  private async sendDirect(
    goLive: GoLive,
    userIds: readonly Actor[],
    message: SlackMessage,
    what: string,
  ): Promise<Actor[]> {
    const missed: Actor[] = [];
    for (const user of userIds) {
      const sent = await this.slack.postMessage({ channel: user, ...message });
      if (!sent.ok) {
        this.logger.warn({ goLiveId: goLive.id, user, slackError: sent.error }, `${what} could not be sent directly`);
        missed.push(user);
      }
    }
    return missed;
  }
}
