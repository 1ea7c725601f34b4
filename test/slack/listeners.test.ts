// The listener router refuses a second listener for one id: with one Bolt middleware routing every request, a
// duplicate would silently shadow the first instead of both running.
import { describe, expect, it } from 'vitest';
import { ListenerError, Listeners } from '../../src/slack/listeners.js';

describe('Listeners', () => {
  it('refuses two listeners for one action_id, one callback_id or one command, with a stable code', () => {
    const listeners = new Listeners();
    const noop = async () => {};
    listeners.action('golive_item_menu', noop);
    listeners.view('golive_note', noop);
    listeners.command('/golive', noop);
    // The same id of another kind is another listener.
    listeners.view('golive_item_menu', noop);
    for (const again of [
      () => listeners.action('golive_item_menu', noop),
      () => listeners.view('golive_note', noop),
      () => listeners.command('/golive', noop),
    ]) {
      expect(again).toThrow(ListenerError);
      try {
        again();
      } catch (error) {
        expect((error as ListenerError).code).toBe('LISTENER_DUPLICATE');
      }
    }
  });
});
