import { describe, expect, it } from 'vitest';
import { REASON_MAX_LENGTH } from '../../src/domain/checklist.js';
import { decodeItemAction, VIEW } from '../../src/slack/ids.js';
import { formatProblems, validateView } from '../../src/slack/blocks/limits.js';
import {
  readReasonModal,
  readStartModal,
  readStartModalMetadata,
  renderReasonModal,
  renderStartModal,
  START_FIELD,
} from '../../src/slack/blocks/modals.js';

type Input = {
  type: string;
  block_id: string;
  optional?: boolean;
  label: { text: string };
  element: {
    type: string;
    action_id: string;
    initial_value?: string;
    max_length?: number;
    multiline?: boolean;
    options?: unknown[];
    initial_option?: { value: string };
  };
};

describe('start modal', () => {
  const templates = [
    { id: 'production', name: 'Production go-live' },
    { id: 'staging', name: 'Staging' },
  ];

  it('asks for service, environment (production), URLs, template and the people, within the limits', () => {
    const view = renderStartModal({
      templates,
      defaultTemplateId: 'production',
      channelId: 'C123',
      privateChannel: false,
      roleLabels: { approver: 'Go-live approver', dba: 'Database Admin' },
    });
    expect(formatProblems(validateView(view))).toBe('');
    expect(view.callback_id).toBe(VIEW.startModal);
    expect(readStartModalMetadata(view.private_metadata ?? '')).toEqual({ channelId: 'C123', privateChannel: false });
    const inputs = view.blocks as unknown as Input[];
    const byId = new Map(inputs.map((b) => [b.block_id, b]));
    expect(byId.get(START_FIELD.service)?.optional).toBeUndefined();
    expect(byId.get(START_FIELD.environment)?.element.initial_value).toBe('production');
    expect(byId.get(START_FIELD.url)?.optional).toBe(true);
    expect(byId.get(START_FIELD.httpUrl)?.optional).toBe(true);
    expect(byId.get(START_FIELD.template)?.element.type).toBe('static_select');
    expect(byId.get(START_FIELD.template)?.element.initial_option?.value).toBe('production');
    for (const key of ['approvers', 'primary', 'secondary', 'dba', 'infra'] as const) {
      expect(byId.get(START_FIELD[key])?.element.type).toBe('multi_users_select');
    }
    expect(byId.get(START_FIELD.approvers)?.label.text).toBe('Go-live approver');
    expect(byId.get(START_FIELD.dba)?.label.text).toBe('Database Admin');
    expect(byId.get(START_FIELD.primary)?.label.text).toBe('Primary On-Call');
    for (const b of inputs) expect(b.element.action_id).toBe(b.block_id);
  });

  it('stays valid with 150 templates and hostile template names', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ id: `t${i}`, name: `<!channel> ${'n'.repeat(200)}` }));
    const view = renderStartModal({ templates: many, channelId: 'C1', privateChannel: false });
    expect(formatProblems(validateView(view))).toBe('');
  });

  it('carries the privacy of the channel it was opened in; a form from before that goes by the channel id', () => {
    const view = renderStartModal({ templates, channelId: 'C0SECRET', privateChannel: true });
    expect(readStartModalMetadata(view.private_metadata ?? '')).toEqual({
      channelId: 'C0SECRET',
      privateChannel: true,
    });
    expect(readStartModalMetadata(JSON.stringify({ channelId: 'C0PUBLIC' }))).toEqual({
      channelId: 'C0PUBLIC',
      privateChannel: false,
    });
    expect(readStartModalMetadata(JSON.stringify({ channelId: 'G0LEGACY' }))).toEqual({
      channelId: 'G0LEGACY',
      privateChannel: true,
    });
  });

  it('reads back what the person submitted', () => {
    const values = {
      [START_FIELD.service]: { [START_FIELD.service]: { value: ' checkout-api ' } },
      [START_FIELD.environment]: { [START_FIELD.environment]: { value: 'staging' } },
      [START_FIELD.url]: { [START_FIELD.url]: { value: 'https://checkout.example.com' } },
      [START_FIELD.httpUrl]: { [START_FIELD.httpUrl]: { value: null } },
      [START_FIELD.template]: { [START_FIELD.template]: { selected_option: { value: 'production' } } },
      [START_FIELD.approvers]: { [START_FIELD.approvers]: { selected_users: ['U1', 'U2'] } },
      [START_FIELD.dba]: { [START_FIELD.dba]: { selected_users: [] } },
      [START_FIELD.groups]: { [START_FIELD.groups]: { value: 'infra=<!subteam^S1>' } },
    };
    expect(readStartModal(values)).toEqual({
      service: 'checkout-api',
      environment: 'staging',
      url: 'https://checkout.example.com',
      template: 'production',
      roles: { approver: ['<@U1>', '<@U2>'] },
      groups: 'infra=<!subteam^S1>',
    });
    expect(readStartModal({}).environment).toBe('production');
    expect(readStartModalMetadata('not json')).toBeUndefined();
  });
});

describe('reason modal', () => {
  it('asks why, up to 500 characters, and carries the item action in private_metadata', () => {
    for (const action of ['na', 'blocked'] as const) {
      const view = renderReasonModal({
        action,
        goLiveId: '0f8e9a3c-6f0e-4d5c-9b1a-2f3e4d5c6b7a',
        itemId: 'secret-key',
        itemText: '*SECRET_KEY* generated with cryptographically secure random value (64+ characters)',
        service: '<!channel>',
      });
      expect(formatProblems(validateView(view))).toBe('');
      expect(view.callback_id).toBe(VIEW.itemReason);
      expect((view.title as { text: string }).text.length).toBeLessThanOrEqual(24);
      expect(decodeItemAction(view.private_metadata ?? '')).toEqual({
        action,
        goLiveId: '0f8e9a3c-6f0e-4d5c-9b1a-2f3e4d5c6b7a',
        itemId: 'secret-key',
      });
      const input = (view.blocks as unknown as Input[]).find((b) => b.type === 'input');
      expect(input?.element).toMatchObject({
        type: 'plain_text_input',
        multiline: true,
        max_length: REASON_MAX_LENGTH,
      });
      expect(JSON.stringify(view.blocks)).not.toContain('<!channel>');
    }
  });

  it('reads the reason back, trimmed', () => {
    expect(readReasonModal({ reason: { reason: { value: '  waiting for DNS  ' } } })).toBe('waiting for DNS');
    expect(readReasonModal({ reason: { reason: { value: '   ' } } })).toBeUndefined();
  });
});
