// Logs never carry tokens or secrets, whether they arrive as fields or inside a message string.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, toBoltLogger } from '../../src/logger.js';

function capture(): { lines: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { lines: () => chunks.join(''), stream };
}

describe('logger', () => {
  it('redacts token and secret fields and masks tokens inside messages', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.info(
      { config: { slack: { botToken: 'xoxb-111-secret', signingSecret: 'sig-secret', appToken: 'xapp-1-secret' } } },
      'config loaded',
    );
    logger.info({ req: { headers: { authorization: 'Bearer xoxb-222-secret' } } }, 'call');
    logger.warn('retrying with token xoxb-333-secret and xapp-1-A1-secret');
    toBoltLogger(logger).error('socket failed for', 'xapp-9-secret');
    const text = out.lines();
    expect(text).not.toMatch(/secret/);
    expect(text).toContain('[redacted]');
    expect(text).toContain('config loaded');
    expect(text).toContain('retrying with token xoxb-[redacted]');
  });

  it('honours the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out.stream });
    logger.info('quiet');
    logger.warn('loud');
    expect(out.lines()).not.toContain('quiet');
    expect(out.lines()).toContain('loud');
  });
});
