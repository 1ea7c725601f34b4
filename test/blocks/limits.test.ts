import { describe, expect, it } from 'vitest';
import {
  countBlockText,
  formatProblems,
  LIMITS,
  validateMessage,
  validateView,
} from '../../src/slack/blocks/limits.js';
import type { LimitRule } from '../../src/slack/blocks/limits.js';

const md = (text: string) => ({ type: 'mrkdwn', text });
const pt = (text: string) => ({ type: 'plain_text', text });
const section = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'section', text: md(text), ...extra });
const button = (text: string, actionId = 'a', extra: Record<string, unknown> = {}) => ({
  type: 'button',
  text: pt(text),
  action_id: actionId,
  ...extra,
});
const option = (text: string, value: string) => ({ text: pt(text), value });
const overflow = (n: number, extra: Record<string, unknown> = {}) => ({
  type: 'overflow',
  action_id: 'menu',
  options: Array.from({ length: n }, (_, i) => option(`o${i}`, `v${i}`)),
  ...extra,
});
const msg = (blocks: unknown[], text = 'fallback') => ({ text, blocks });
const modal = (blocks: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'modal',
  callback_id: 'cb',
  title: pt('Title'),
  submit: pt('Save'),
  blocks,
  ...extra,
});

function rules(problems: { rule: LimitRule }[]): LimitRule[] {
  return problems.map((p) => p.rule);
}

describe('validateMessage', () => {
  it('accepts a well-formed message', () => {
    const problems = validateMessage(
      msg([
        { type: 'header', text: pt('Header') },
        section('hello', { block_id: 'b1', accessory: overflow(3) }),
        { type: 'context', elements: [md('small')] },
        { type: 'actions', block_id: 'b2', elements: [button('Run checks', 'run', { value: 'x' })] },
      ]),
    );
    expect(problems).toEqual([]);
  });

  it('accepts blocks sent as a JSON string, as in form-encoded calls', () => {
    expect(validateMessage({ text: 't', blocks: JSON.stringify([section('x')]) })).toEqual([]);
  });

  const cases: [LimitRule, unknown][] = [
    ['too-many-blocks', msg(Array.from({ length: 51 }, () => section('x')))],
    ['text-fallback-missing', { blocks: [section('x')] }],
    ['text-fallback-missing', msg([section('x')], '  ')],
    ['section-text', msg([section('x'.repeat(3001))])],
    ['text-empty', msg([section('')])],
    ['section-fields', msg([{ type: 'section', fields: Array.from({ length: 11 }, () => md('f')) }])],
    ['header-text', msg([{ type: 'header', text: pt('h'.repeat(151)) }])],
    ['header-plain-text', msg([{ type: 'header', text: md('*h*') }])],
    ['button-text', msg([{ type: 'actions', elements: [button('b'.repeat(76))] }])],
    ['action-id', msg([{ type: 'actions', elements: [button('b', 'a'.repeat(256))] }])],
    ['block-id', msg([section('x', { block_id: 'b'.repeat(256) })])],
    ['block-id-duplicate', msg([section('x', { block_id: 'same' }), section('y', { block_id: 'same' })])],
    ['action-id-duplicate', msg([{ type: 'actions', elements: [button('one', 'dup'), button('two', 'dup')] }])],
    ['overflow-options', msg([section('x', { accessory: overflow(1) })])],
    ['overflow-options', msg([section('x', { accessory: overflow(6) })])],
    [
      'option-value',
      msg([
        section('x', {
          accessory: { type: 'overflow', action_id: 'm', options: [option('a', 'v'.repeat(151)), option('b', 'v')] },
        }),
      ]),
    ],
    [
      'option-text',
      msg([
        section('x', {
          accessory: { type: 'overflow', action_id: 'm', options: [option('a'.repeat(76), 'v'), option('b', 'w')] },
        }),
      ]),
    ],
    ['context-elements', msg([{ type: 'context', elements: Array.from({ length: 11 }, () => md('c')) }])],
    ['text-budget', msg(Array.from({ length: 5 }, () => section('x'.repeat(2500))))],
    [
      'actions-elements',
      msg([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button('b', `a${i}`)) }]),
    ],
    ['blocks-missing', { text: 't', blocks: 'not json' }],
  ];

  for (const [rule, payload] of cases) {
    it(`catches ${rule}`, () => {
      const problems = validateMessage(payload);
      expect(rules(problems)).toContain(rule);
      expect(formatProblems(problems)).toContain(`[${rule}]`);
    });
  }

  it('counts every text object toward the budget, including buttons and options', () => {
    const blocks = [
      section('abc', {
        accessory: { type: 'overflow', action_id: 'm', options: [option('de', 'v1'), option('f', 'v2')] },
      }),
      { type: 'actions', elements: [button('ghij')] },
    ];
    expect(countBlockText(blocks)).toBe(3 + 2 + 1 + 4);
  });

  it('allows exactly the limits', () => {
    const blocks = Array.from({ length: LIMITS.messageBlocks }, (_, i) =>
      section('x'.repeat(200), { block_id: `b${i}` }),
    );
    expect(validateMessage(msg(blocks))).toEqual([]);
  });
});

describe('validateView', () => {
  it('accepts a well-formed modal', () => {
    const view = modal([
      {
        type: 'input',
        block_id: 'reason',
        label: pt('Reason'),
        element: { type: 'plain_text_input', action_id: 'reason', multiline: true, max_length: 500 },
      },
    ]);
    expect(validateView(view)).toEqual([]);
  });

  it('accepts a view sent as a JSON string, as in form-encoded calls', () => {
    expect(validateView(JSON.stringify(modal([section('x')])))).toEqual([]);
    expect(rules(validateView(JSON.stringify(modal([section('x')], { title: pt('t'.repeat(25)) }))))).toEqual([
      'view-title',
    ]);
  });

  const cases: [LimitRule, unknown][] = [
    ['too-many-blocks', modal(Array.from({ length: 101 }, () => section('x')))],
    ['view-title', modal([section('x')], { title: pt('t'.repeat(25)) })],
    ['view-submit-close', modal([section('x')], { submit: pt('s'.repeat(25)) })],
    ['private-metadata', modal([section('x')], { private_metadata: 'm'.repeat(3001) })],
    ['callback-id', modal([section('x')], { callback_id: 'c'.repeat(256) })],
    [
      'select-options',
      modal([
        section('x', {
          accessory: {
            type: 'static_select',
            action_id: 's',
            options: Array.from({ length: 101 }, (_, i) => option('o', `v${i}`)),
          },
        }),
      ]),
    ],
    [
      'input-label',
      modal([{ type: 'input', label: pt('l'.repeat(2001)), element: { type: 'plain_text_input', action_id: 'i' } }]),
    ],
    [
      'input-max-length',
      modal([
        { type: 'input', label: pt('l'), element: { type: 'plain_text_input', action_id: 'i', max_length: 3001 } },
      ]),
    ],
    [
      'placeholder',
      modal([
        {
          type: 'input',
          label: pt('l'),
          element: { type: 'plain_text_input', action_id: 'i', placeholder: pt('p'.repeat(151)) },
        },
      ]),
    ],
    ['blocks-missing', { type: 'modal', title: pt('x') }],
  ];

  for (const [rule, view] of cases) {
    it(`catches ${rule}`, () => {
      expect(rules(validateView(view))).toContain(rule);
    });
  }
});
