// The Roll back form: why the go-live is rolled back (required), for the thread, the on-call and the record.
import { VIEW } from '../ids.js';
import { plain, section } from './common.js';
import type { ModalView } from './common.js';
import { LIMITS } from './limits.js';
import { safeName } from './mrkdwn.js';

export const ROLL_BACK_FIELD = 'roll_back_reason';
export const ROLL_BACK_REASON_MAX = 500;

export function renderRollBackModal(opts: { goLiveId: string; service: string; environment: string }): ModalView {
  return {
    type: 'modal',
    callback_id: VIEW.rollBack,
    title: plain('Roll back', LIMITS.viewTitle),
    submit: plain('Roll back', LIMITS.viewSubmitClose),
    close: plain('Cancel', LIMITS.viewSubmitClose),
    private_metadata: opts.goLiveId,
    blocks: [
      section(
        `Roll back *${safeName(opts.service)} · ${safeName(opts.environment)}*: the status becomes *Rolled back*, the post-launch window closes and the on-call is told.`,
      ),
      {
        type: 'input',
        block_id: ROLL_BACK_FIELD,
        label: plain('Why is it rolled back?', LIMITS.inputLabel),
        element: {
          type: 'plain_text_input',
          action_id: ROLL_BACK_FIELD,
          multiline: true,
          min_length: 1,
          max_length: ROLL_BACK_REASON_MAX,
        },
        hint: plain('Shown in the thread, sent to the on-call and kept in the audit record.', LIMITS.inputHint),
      },
    ],
  };
}
