// What the Slack listeners are given (built by the composition root, src/main.ts): the services they call and
// the Slack-side pieces they answer through. A type only, so that no listener imports app.ts.
import type { Store } from '../../db/store.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { CheckService } from '../services/check-service.js';
import type { GoLiveService } from '../services/go-live-service.js';
import type { PostLaunchService } from '../services/post-launch.js';
import type { SignOffService } from '../services/signoff-service.js';
import type { WorkTracker } from '../services/work.js';
import type { TemplateRegistry } from '../templates/loader.js';
import type { SlackGateway } from './gateway.js';
import type { HomePublisher } from './home-publisher.js';
import type { SlackPeople } from './people.js';
import type { SlackRenderer } from './renderer.js';

export interface SlackServices {
  /** Read by listeners for delivery claims (Slack retries) and for what a form needs to open. */
  store: Store;
  templates: TemplateRegistry;
  logger: Logger;
  clock: Clock;
  slack: SlackGateway;
  renderer: SlackRenderer;
  goLives: GoLiveService;
  /** Work running after an ack; stop() waits for it. */
  work: WorkTracker;
  /** Automatic checks on demand (Run checks, `/golive check`). */
  checks: CheckService;
  /** The first hours after Go live: its jobs' handlers, Acknowledge, Roll back. */
  postLaunch: PostLaunchService;
  /** Request approval, Approve, Reject, Sign off section, Go live, Edit roles, Abort. */
  signOffs: SignOffService;
  /** People by name (users.info, cached) for records and the App Home. */
  people: SlackPeople;
  /** Each person's App Home, published on opening and refreshed when their go-lives change. */
  homes: HomePublisher;
}
