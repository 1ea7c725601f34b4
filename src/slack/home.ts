// The Home tab opened: publish that person's App Home (src/slack/home-publisher.ts) after the ack.
import type { App } from '@slack/bolt';
import type { SlackServices } from './services.js';

export function register(app: App, services: SlackServices): void {
  app.event('app_home_opened', async ({ event }) => {
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
