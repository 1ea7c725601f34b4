// Add note through the real Bolt app: the root's form (the seed's Notes block) and an item's "Add note…", saved with
// an audit event before the form closes, shown in the thread with author and time, and in the record.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOTE_FIELD } from '../../src/slack/blocks/note.js';
import { ACTION, VIEW, encodeItemAction } from '../../src/slack/ids.js';
import { recordMarkdown } from '../../src/record/markdown.js';
import { recordOf } from '../../src/services/record-service.js';
import { systemClock } from '../../src/clock.js';
import type { FakeView } from '../support/fake-slack.js';
import { DEPLOYER, Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start();
});
afterEach(async () => {
  await h.stop();
});

const noteViews = () => h.fake.views().filter((v) => v.view.callback_id === VIEW.note);

type FormValues = Parameters<Harness['submitView']>[1];

function values(text: string, extra: FormValues = {}): FormValues {
  return { [NOTE_FIELD.text]: { [NOTE_FIELD.text]: { type: 'plain_text_input', value: text } }, ...extra };
}

describe('Add note', () => {
  it('opens the Notes block form on the root, saves the note with its audit event and posts it in the thread', async () => {
    const goLive = await h.startGoLive();
    await h.clickRoot(goLive, ACTION.addNote);
    const view = await h.fake.waitFor(() => noteViews()[0], 5000, 'the note form');
    const form = JSON.stringify(view.view.blocks);
    for (const label of ['Date', 'Environment', 'Deployed By', 'Notes and deviations'])
      expect(form).toContain(`"text":"${label}"`);
    expect(form).toContain(`"initial_user":"${DEPLOYER}"`);

    const res = await h.submitView(
      view,
      values('DB migration took 12 min (expected 3).\nNo user impact.', {
        [NOTE_FIELD.date]: { [NOTE_FIELD.date]: { type: 'datepicker', selected_date: '2026-12-01' } },
        [NOTE_FIELD.environment]: { [NOTE_FIELD.environment]: { type: 'plain_text_input', value: 'production' } },
        [NOTE_FIELD.deployedBy]: { [NOTE_FIELD.deployedBy]: { type: 'users_select', selected_user: 'U0LEE' } },
      }),
    );
    expect(res.status).toBe(200);
    expect(await h.store.notesOf(goLive.id)).toMatchObject([
      {
        by: DEPLOYER,
        fields: { date: '2026-12-01', environment: 'production', deployedBy: 'U0LEE' },
        text: 'DB migration took 12 min (expected 3).\nNo user impact.',
      },
    ]);
    expect((await h.store.auditTrail(goLive.id)).at(-1)).toMatchObject({
      action: 'note',
      subject: 'root',
      actor: DEPLOYER,
    });

    const posted = await h.fake.waitFor(
      () => h.thread(goLive).find((m) => JSON.stringify(m.blocks ?? []).includes('Note by')),
      5000,
      'the note in the thread',
    );
    const shown = JSON.stringify(posted.blocks);
    expect(shown).toContain(`:memo: Note by <@${DEPLOYER}>`);
    expect(shown).toContain('*Deployed By:* <@U0LEE>');
    expect(shown).toContain('DB migration took 12 min (expected 3).');

    const record = await recordOf(
      h.store,
      goLive.id,
      systemClock,
      async () => (id) => ({ [DEPLOYER]: 'Dana Scully', U0LEE: 'Lee Adama' })[id],
    );
    const markdown = recordMarkdown(record!);
    expect(markdown).toMatch(
      /## Notes\n\nAdded by Dana Scully, \d{4}-\d\d-\d\d \d\d:\d\d UTC:\n\n```\nDate: 2026-12-01\nEnvironment: production\nDeployed By: Lee Adama\n\nNotes:\nDB migration took 12 min \(expected 3\)\.\nNo user impact\.\n```/,
    );
  });

  it('hangs a note on an item from its menu, shown under the item in the record', async () => {
    const goLive = await h.startGoLive();
    const { option } = h.findItemOption(goLive, 'secret-key', 'note');
    expect(option.value).toBe(encodeItemAction({ action: 'note', goLiveId: goLive.id, itemId: 'secret-key' }));
    await h.click(goLive, 'secret-key', 'note');
    const view = await h.fake.waitFor(() => noteViews()[0], 5000, 'the item note form');
    expect(view.view.private_metadata).toBe(`${goLive.id}|secret-key`);
    expect(JSON.stringify(view.view.blocks)).not.toContain('Deployed By');
    await h.submitView(view, values('Rotated on 2026-11-30 by the vault job.'));
    expect(await h.store.notesOf(goLive.id)).toMatchObject([
      { itemId: 'secret-key', text: 'Rotated on 2026-11-30 by the vault job.' },
    ]);
    await h.fake.waitFor(
      () => h.thread(goLive).some((m) => JSON.stringify(m.blocks ?? []).includes('Rotated on 2026-11-30')),
      5000,
      'the item note',
    );
    const markdown = recordMarkdown((await recordOf(h.store, goLive.id, systemClock, async () => () => undefined))!);
    expect(markdown).toMatch(
      /- \[ \] \*\*SECRET_KEY\*\* generated .*\n {2}- Note by U0DEPLOYER, .* UTC: Rotated on 2026-11-30 by the vault job\./,
    );
  });

  it('refuses a note over Slack’s limits in the form itself, and writes nothing', async () => {
    const goLive = await h.startGoLive();
    await h.clickRoot(goLive, ACTION.addNote);
    const view: FakeView = await h.fake.waitFor(() => noteViews()[0], 5000, 'the note form');
    const long = await h.submitView(view, values('x'.repeat(2901)));
    expect(JSON.parse(long.body)).toEqual({
      response_action: 'errors',
      errors: { [NOTE_FIELD.text]: 'The note is 2901 characters long; Slack takes at most 2900 here.' },
    });
    const entities = await h.submitView(view, values('&'.repeat(2800)));
    expect(JSON.parse(entities.body)).toMatchObject({
      response_action: 'errors',
      errors: { [NOTE_FIELD.text]: expect.stringContaining('too long for one message') },
    });
    expect(await h.store.notesOf(goLive.id)).toEqual([]);
    expect((await h.store.auditTrail(goLive.id)).some((e) => e.action === 'note')).toBe(false);
  });
});
