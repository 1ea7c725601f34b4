// The Home tab opened: publish that person's App Home (src/slack/home-publisher.ts) after the ack.
import type { Listeners } from './listeners.js';
import type { SlackServices } from './services.js';

export function register(listeners: Listeners, services: SlackServices): void {
  listeners.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await services.work.afterAck(async () => {
      try {
        await services.homes.publish(event.user);
      } catch (error) {
        services.logger.error({ err: error }, 'App Home failed');
      }
    });
  });
}
