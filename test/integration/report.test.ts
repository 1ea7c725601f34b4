// The record shared in the thread through the real Bolt app, signed requests and the fake Slack's external upload:
// the three steps in order, both files with their bytes, people by name; refusals answered privately, nothing shared.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import type { GoLiveRecord } from '../../src/record/record.js';
import { CHANNEL, DEPLOYER, Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
  h.fake.addUser({ id: DEPLOYER, name: 'dana', real_name: 'Dana Scully' });
  h.fake.addUser({ id: 'U0LEE', name: 'lee', real_name: 'Lee Adama' });
});
afterEach(async () => {
  await h.stop();
});

const uploadSteps = () =>
  h.fake.calls.filter((c) => c.method.startsWith('files.')).map((c) => `${c.method}${c.error ? `:${c.error}` : ''}`);

describe('Report', () => {
  it('uploads the Markdown and the JSON record to the thread in Slack’s three steps, people by name', async () => {
    const goLive = await h.startGoLive();
    await h.store.changeItem({ goLiveId: goLive.id, itemId: 'secret-key', state: 'done', actor: 'U0LEE' });
    await h.clickRoot(goLive, ACTION.report);
    await h.waitForPrivate(/Shared the record of \*checkout-api · production\* in its thread/);

    expect(uploadSteps()).toEqual([
      'files.getUploadURLExternal',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [mdCall, jsonCall] = h.fake.callsOf('files.getUploadURLExternal');
    const shared = h.fake.sharedFiles();
    expect(shared.map((f) => f.filename)).toEqual([mdCall!.args.filename, jsonCall!.args.filename]);
    expect(shared[0]!.filename).toMatch(/^golive-checkout-api-production-\d{4}-\d\d-\d\d\.md$/);
    for (const [i, file] of shared.entries()) {
      expect(Number(h.fake.callsOf('files.getUploadURLExternal')[i]!.args.length)).toBe(
        Buffer.byteLength(file.content),
      );
      expect(file.shared).toMatchObject({ channel: CHANNEL, thread_ts: goLive.rootTs });
    }
    expect(h.fake.callsOf('files.completeUploadExternal')[0]!.args).toMatchObject({
      channel_id: CHANNEL,
      thread_ts: goLive.rootTs,
    });

    const markdown = shared[0]!.content;
    expect(markdown).toContain(
      '- [x] **SECRET_KEY** generated with cryptographically secure random value (64+ characters) — done by Lee Adama, ',
    );
    expect(markdown).toContain('- **Started by:** Dana Scully, ');
    const json = JSON.parse(shared[1]!.content) as GoLiveRecord;
    expect(json.goLive).toMatchObject({ id: goLive.id, startedBy: { id: DEPLOYER, name: 'Dana Scully' } });
    // The comment of the shared files is a message in the thread.
    expect(h.thread(goLive).some((m) => /The record of checkout-api · production/.test(m.text ?? ''))).toBe(true);
    // Names are cached: a second report asks users.info nothing new.
    const lookups = h.fake.callsOf('users.info').length;
    await h.command('report checkout-api');
    await h.fake.waitFor(() => h.fake.sharedFiles().length === 4, 5000, 'the second report');
    expect(h.fake.callsOf('users.info')).toHaveLength(lookups);
  });

  it('says privately when Slack refuses the upload, and shares nothing', async () => {
    const goLive = await h.startGoLive();
    h.fake.failNext('files.completeUploadExternal', 'not_in_channel');
    await h.clickRoot(goLive, ACTION.report);
    await h.waitForPrivate(/I am not in this channel.*\/invite @Golive.*Nothing was posted/);
    h.fake.failNext('files.getUploadURLExternal', 'file_upload_failed');
    await h.command('report checkout-api env=production');
    await h.waitForPrivate(/Slack refused the upload \(`file_upload_failed`\)\. Nothing was posted/);
    expect(h.fake.sharedFiles()).toEqual([]);
    expect(h.thread(goLive).some((m) => /The record of/.test(m.text ?? ''))).toBe(false);
  });

  it('answers an unknown service or environment privately, with a hint', async () => {
    await h.startGoLive('payments', 'staging https://payments.example.com');
    await h.command('report nope');
    await h.waitForPrivate(/there is no go-live of \*nope\* in production/);
    await h.command('report payments');
    await h.waitForPrivate(/no go-live of \*payments\* in production\. It has one in staging: add `env=staging`/);
    await h.command('report payments env=staging extra');
    await h.waitForPrivate(/I don't know what to do with/);
    expect(uploadSteps()).toEqual([]);
  });
});
