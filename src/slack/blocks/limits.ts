// Slack's Block Kit limits (docs/ARCHITECTURE.md, "Slack platform facts") and a validator that finds every breach.
// Builders use the constants to budget; tests and the fake Slack server use the validator to refuse.

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  blockId: 255,
  actionsElements: 25,
  overflowMinOptions: 2,
  overflowMaxOptions: 5,
  selectMaxOptions: 100,
  optionValue: 150,
  optionText: 75,
  viewTitle: 24,
  viewSubmitClose: 24,
  callbackId: 255,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  inputMaxLength: 3000,
  contextElements: 10,
  /** Slack refuses about 13k characters of text in one message's blocks (`msg_blocks_too_long`). */
  messageTextBudget: 12000,
} as const;

export type LimitRule =
  | 'blocks-missing'
  | 'too-many-blocks'
  | 'text-fallback-missing'
  | 'text-empty'
  | 'text-budget'
  | 'section-text'
  | 'section-fields'
  | 'header-text'
  | 'header-plain-text'
  | 'button-text'
  | 'button-value'
  | 'button-url'
  | 'action-id'
  | 'block-id'
  | 'block-id-duplicate'
  | 'action-id-duplicate'
  | 'actions-elements'
  | 'overflow-options'
  | 'select-options'
  | 'option-value'
  | 'option-text'
  | 'context-elements'
  | 'view-title'
  | 'view-submit-close'
  | 'callback-id'
  | 'private-metadata'
  | 'input-label'
  | 'input-hint'
  | 'placeholder'
  | 'input-max-length';

export interface LimitProblem {
  rule: LimitRule;
  /** Where in the payload, e.g. `blocks[3].accessory.options[1].value`. */
  path: string;
  message: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function textOf(v: unknown): string | undefined {
  return isObj(v) ? str(v.text) : undefined;
}

/** Form-encoded Web API calls carry `view` and `blocks` as JSON strings. */
function parseJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Slack sends `blocks` as a JSON string in form-encoded calls; accept both. */
function asBlocks(raw: unknown): unknown[] | undefined {
  if (Array.isArray(raw)) return raw as unknown[];
  const parsed = parseJson(raw);
  return Array.isArray(parsed) ? parsed : undefined;
}

/** Every text object (`{ type: plain_text|mrkdwn, text }`) anywhere below `node`: what Slack budgets. */
export function countBlockText(node: unknown): number {
  // Plain loops: a section's fitting counts its blocks several times per render.
  let n = 0;
  if (Array.isArray(node)) {
    for (const child of node as unknown[]) n += countBlockText(child);
    return n;
  }
  if (!isObj(node)) return 0;
  if ((node.type === 'plain_text' || node.type === 'mrkdwn') && typeof node.text === 'string') n += node.text.length;
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key !== 'text' || typeof value !== 'string') n += countBlockText(value);
  }
  return n;
}

class Checker {
  readonly problems: LimitProblem[] = [];

  add(rule: LimitRule, path: string, message: string): void {
    this.problems.push({ rule, path, message });
  }

  max(rule: LimitRule, path: string, value: string | undefined, max: number, what: string): void {
    if (value !== undefined && value.length > max)
      this.add(rule, path, `${what} is ${value.length} characters (max ${max})`);
  }

  /** A text object: present, non-empty, within `max`. */
  text(rule: LimitRule, path: string, obj: unknown, max: number, what: string, required = true): void {
    if (obj === undefined && !required) return;
    const t = textOf(obj);
    if (t === undefined || t.length === 0) {
      this.add('text-empty', path, `${what} has no text`);
      return;
    }
    this.max(rule, `${path}.text`, t, max, what);
  }

  option(path: string, opt: unknown): void {
    if (!isObj(opt)) return;
    this.text('option-text', `${path}.text`, opt.text, LIMITS.optionText, 'option text');
    this.max('option-value', `${path}.value`, str(opt.value), LIMITS.optionValue, 'option value');
  }

  /** An interactive element (button, overflow, select, input…). */
  element(path: string, el: unknown, actionIds: Map<string, string>): void {
    if (!isObj(el)) return;
    const actionId = str(el.action_id);
    if (actionId !== undefined) {
      this.max('action-id', `${path}.action_id`, actionId, LIMITS.actionId, 'action_id');
      const seen = actionIds.get(actionId);
      if (seen !== undefined)
        this.add(
          'action-id-duplicate',
          `${path}.action_id`,
          `action_id "${actionId}" repeats ${seen} in the same block`,
        );
      else actionIds.set(actionId, path);
    }
    if (el.placeholder !== undefined)
      this.text('placeholder', `${path}.placeholder`, el.placeholder, LIMITS.placeholder, 'placeholder');
    switch (el.type) {
      case 'button':
        this.text('button-text', `${path}.text`, el.text, LIMITS.buttonText, 'button text');
        this.max('button-value', `${path}.value`, str(el.value), LIMITS.buttonValue, 'button value');
        this.max('button-url', `${path}.url`, str(el.url), LIMITS.buttonUrl, 'button url');
        break;
      case 'overflow': {
        const options = Array.isArray(el.options) ? el.options : [];
        if (options.length < LIMITS.overflowMinOptions || options.length > LIMITS.overflowMaxOptions) {
          this.add(
            'overflow-options',
            `${path}.options`,
            `overflow has ${options.length} options (want ${LIMITS.overflowMinOptions}..${LIMITS.overflowMaxOptions})`,
          );
        }
        options.forEach((o, i) => this.option(`${path}.options[${i}]`, o));
        break;
      }
      case 'plain_text_input': {
        const maxLength = el.max_length;
        if (typeof maxLength === 'number' && maxLength > LIMITS.inputMaxLength) {
          this.add(
            'input-max-length',
            `${path}.max_length`,
            `max_length is ${maxLength} (max ${LIMITS.inputMaxLength})`,
          );
        }
        break;
      }
      default:
        if (Array.isArray(el.options)) {
          if (el.options.length > LIMITS.selectMaxOptions) {
            this.add(
              'select-options',
              `${path}.options`,
              `select has ${el.options.length} options (max ${LIMITS.selectMaxOptions})`,
            );
          }
          el.options.forEach((o, i) => this.option(`${path}.options[${i}]`, o));
        }
        if (Array.isArray(el.option_groups)) {
          el.option_groups.forEach((g, gi) => {
            if (isObj(g) && Array.isArray(g.options))
              g.options.forEach((o, i) => this.option(`${path}.option_groups[${gi}].options[${i}]`, o));
          });
        }
        if (isObj(el.initial_option)) this.option(`${path}.initial_option`, el.initial_option);
    }
  }

  block(path: string, block: unknown, blockIds: Map<string, string>): void {
    if (!isObj(block)) return;
    const blockId = str(block.block_id);
    if (blockId !== undefined) {
      this.max('block-id', `${path}.block_id`, blockId, LIMITS.blockId, 'block_id');
      const seen = blockIds.get(blockId);
      if (seen !== undefined)
        this.add('block-id-duplicate', `${path}.block_id`, `block_id "${blockId}" repeats ${seen}`);
      else blockIds.set(blockId, path);
    }
    const actionIds = new Map<string, string>();
    switch (block.type) {
      case 'section': {
        const fields = Array.isArray(block.fields) ? block.fields : undefined;
        if (block.text === undefined && fields === undefined)
          this.add('text-empty', path, 'section has neither text nor fields');
        if (block.text !== undefined)
          this.text('section-text', `${path}.text`, block.text, LIMITS.sectionText, 'section text');
        if (fields) {
          if (fields.length > LIMITS.sectionFields)
            this.add(
              'section-fields',
              `${path}.fields`,
              `section has ${fields.length} fields (max ${LIMITS.sectionFields})`,
            );
          fields.forEach((f, i) =>
            this.text('section-fields', `${path}.fields[${i}]`, f, LIMITS.sectionFieldText, 'section field'),
          );
        }
        if (block.accessory !== undefined) this.element(`${path}.accessory`, block.accessory, actionIds);
        break;
      }
      case 'header':
        if (isObj(block.text) && block.text.type !== 'plain_text')
          this.add('header-plain-text', `${path}.text`, 'header text must be plain_text');
        this.text('header-text', `${path}.text`, block.text, LIMITS.headerText, 'header text');
        break;
      case 'context': {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length === 0 || elements.length > LIMITS.contextElements) {
          this.add(
            'context-elements',
            `${path}.elements`,
            `context has ${elements.length} elements (want 1..${LIMITS.contextElements})`,
          );
        }
        elements.forEach((e, i) => {
          if (isObj(e) && (e.type === 'mrkdwn' || e.type === 'plain_text')) {
            this.text('section-text', `${path}.elements[${i}]`, e, LIMITS.sectionText, 'context text');
          }
        });
        break;
      }
      case 'actions': {
        const elements = Array.isArray(block.elements) ? block.elements : [];
        if (elements.length === 0 || elements.length > LIMITS.actionsElements) {
          this.add(
            'actions-elements',
            `${path}.elements`,
            `actions block has ${elements.length} elements (want 1..${LIMITS.actionsElements})`,
          );
        }
        elements.forEach((e, i) => this.element(`${path}.elements[${i}]`, e, actionIds));
        break;
      }
      case 'input':
        this.text('input-label', `${path}.label`, block.label, LIMITS.inputLabel, 'input label');
        this.text('input-hint', `${path}.hint`, block.hint, LIMITS.inputHint, 'input hint', false);
        this.element(`${path}.element`, block.element, actionIds);
        break;
      default:
        break;
    }
  }

  blocks(blocks: unknown[], max: number): void {
    if (blocks.length > max) this.add('too-many-blocks', 'blocks', `${blocks.length} blocks (max ${max})`);
    const blockIds = new Map<string, string>();
    blocks.forEach((b, i) => this.block(`blocks[${i}]`, b, blockIds));
  }
}

/** A chat.postMessage / chat.update / chat.postEphemeral payload: `{ text, blocks }`. Empty list = valid. */
export function validateMessage(payload: unknown): LimitProblem[] {
  const c = new Checker();
  const p = isObj(payload) ? payload : {};
  const text = str(p.text);
  if (text === undefined || text.trim().length === 0)
    c.add('text-fallback-missing', 'text', 'a plain `text` fallback is required with blocks');
  if (p.blocks === undefined) return c.problems;
  const blocks = asBlocks(p.blocks);
  if (!blocks) {
    c.add('blocks-missing', 'blocks', 'blocks is not a list');
    return c.problems;
  }
  c.blocks(blocks, LIMITS.messageBlocks);
  const total = countBlockText(blocks);
  if (total > LIMITS.messageTextBudget)
    c.add('text-budget', 'blocks', `blocks carry ${total} characters of text (budget ${LIMITS.messageTextBudget})`);
  return c.problems;
}

/** A views.open / views.update / views.push / views.publish view. Empty list = valid. */
export function validateView(view: unknown): LimitProblem[] {
  const c = new Checker();
  const v = isObj(view) ? view : isObj(parseJson(view)) ? (parseJson(view) as Obj) : {};
  const blocks = asBlocks(v.blocks);
  if (!blocks) {
    c.add('blocks-missing', 'blocks', 'a view needs a list of blocks');
    return c.problems;
  }
  if (v.type === 'modal' || v.title !== undefined) {
    c.text('view-title', 'title', v.title, LIMITS.viewTitle, 'view title');
  }
  if (v.submit !== undefined) c.text('view-submit-close', 'submit', v.submit, LIMITS.viewSubmitClose, 'submit text');
  if (v.close !== undefined) c.text('view-submit-close', 'close', v.close, LIMITS.viewSubmitClose, 'close text');
  c.max('callback-id', 'callback_id', str(v.callback_id), LIMITS.callbackId, 'callback_id');
  c.max('private-metadata', 'private_metadata', str(v.private_metadata), LIMITS.privateMetadata, 'private_metadata');
  c.blocks(blocks, LIMITS.viewBlocks);
  return c.problems;
}

/** One line per problem, for errors and logs. */
export function formatProblems(problems: readonly LimitProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message} [${p.rule}]`).join('\n');
}
