// Reads checklist templates from YAML files: the default one shipped in templates/ plus an operator's
// directory (GOLIVE_TEMPLATES_DIR). A bad file is refused with file, path and reason, never half-loaded.
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { Template, TemplateItem } from '../domain/template.js';
import { defaultTemplatesDir } from '../paths.js';
import { formatIssuePath, parseTemplate } from './schema.js';

/** The default template's file: the seed checklist. */
export const defaultTemplateFile = join(defaultTemplatesDir, 'production.yaml');

export interface TemplateError {
  file: string;
  /** Where in the YAML, e.g. `sections[2].groups[0].items[3].id`; empty for the whole file. */
  path: string;
  reason: string;
  /** 1-based position in the file, when it can be told. */
  line?: number;
  column?: number;
}

export type TemplateFileResult = { ok: true; template: Template } | { ok: false; errors: TemplateError[] };

export interface TemplateRegistry {
  get(id: string): Template | undefined;
  readonly default: Template;
  list(): Template[];
}

export type TemplatesResult = { ok: true; registry: TemplateRegistry } | { ok: false; errors: TemplateError[] };

/** One file's outcome, for callers that report per file (`golive template validate`). */
export interface LoadedTemplateFile {
  file: string;
  result: TemplateFileResult;
}

const YAML_FILE = /\.ya?ml$/i;

/** Reads and validates one template file. */
export function loadTemplateFile(file: string): TemplateFileResult {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, errors: [{ file, path: '', reason: `cannot read file: ${describeFsError(error)}` }] };
  }
  return parseTemplateSource(source, file);
}

/** Validates template YAML text; `file` only names it in errors. */
export function parseTemplateSource(source: string, file: string): TemplateFileResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        const message =
          error.code === 'MULTIPLE_DOCS'
            ? 'a template file holds one YAML document, this one has more (a second "---")'
            : (error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:$/, '') ?? error.code);
        return {
          file,
          path: '',
          reason: pos ? `YAML syntax error at line ${pos.line}, column ${pos.col}: ${message}` : `YAML syntax error: ${message}`,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        };
      }),
    };
  }

  let data: unknown;
  try {
    // Aliases are capped so a small file cannot expand into a huge document.
    data = doc.toJS({ maxAliasCount: 50 });
  } catch (error) {
    return { ok: false, errors: [{ file, path: '', reason: `YAML error: ${(error as Error).message}` }] };
  }

  const parsed = parseTemplate(data);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    errors: parsed.issues.map((issue) => {
      const pos = positionOf(doc.contents, issue.path, lineCounter);
      return { file, path: formatIssuePath(issue.path), reason: issue.reason, ...pos };
    }),
  };
}

/**
 * The default template plus every *.yaml / *.yml in `dir`. Any bad file, or two templates with one id,
 * refuses the whole set: starting with some templates silently missing would be worse than not starting.
 */
export function loadTemplates(options: { dir?: string } = {}): TemplatesResult {
  const files = [defaultTemplateFile];
  if (options.dir !== undefined) {
    const listed = listTemplateFiles(options.dir);
    if (!listed.ok) return { ok: false, errors: listed.errors };
    files.push(...listed.files.filter((file) => !isDefaultTemplateFile(file)));
  }
  const loaded = loadTemplateFiles(files);
  const errors = loaded.flatMap(({ result }) => (result.ok ? [] : result.errors));
  if (errors.length > 0) return { ok: false, errors };
  const templates = loaded.map(({ result }) => (result as { ok: true; template: Template }).template);
  const [defaultTemplate] = templates;
  if (!defaultTemplate) throw new Error('unreachable: the default template file is always loaded');
  return { ok: true, registry: createRegistry(defaultTemplate, templates) };
}

/**
 * Loads each file and refuses any template whose id an earlier file already uses, so the outcome
 * per file is what a start with all of them would say.
 */
export function loadTemplateFiles(files: readonly string[]): LoadedTemplateFile[] {
  const firstFileById = new Map<string, string>();
  return files.map((file) => {
    const result = loadTemplateFile(file);
    if (!result.ok) return { file, result };
    const first = firstFileById.get(result.template.id);
    if (first !== undefined) {
      return {
        file,
        result: {
          ok: false,
          errors: [{ file, path: 'id', reason: `template id "${result.template.id}" is already used by ${first}` }],
        },
      };
    }
    firstFileById.set(result.template.id, file);
    return { file, result: { ok: true, template: deepFreeze(result.template) } };
  });
}

/** The *.yaml and *.yml files of a directory, sorted so the outcome does not depend on the filesystem. */
export function listTemplateFiles(dir: string): { ok: true; files: string[] } | { ok: false; errors: TemplateError[] } {
  const absolute = resolve(dir);
  try {
    if (!statSync(absolute).isDirectory()) {
      return { ok: false, errors: [{ file: dir, path: '', reason: 'not a directory' }] };
    }
    const files = readdirSync(absolute, { withFileTypes: true })
      .filter((entry) => entry.isFile() && YAML_FILE.test(entry.name))
      .map((entry) => join(absolute, entry.name))
      .sort();
    return { ok: true, files };
  } catch (error) {
    return { ok: false, errors: [{ file: dir, path: '', reason: `cannot read templates directory: ${describeFsError(error)}` }] };
  }
}

/** `file: path: reason` lines, one per error, with the line number when known. */
export function formatTemplateErrors(errors: readonly TemplateError[]): string {
  return errors
    .map((error) => {
      const where = error.path === '' ? '' : `${error.path}: `;
      const line = error.line !== undefined && error.path !== '' ? ` (line ${error.line})` : '';
      return `${error.file}: ${where}${error.reason}${line}\n`;
    })
    .join('');
}

/** Counts items at every depth (the seed's 144 include the five health-endpoint sub-items). */
export function countItems(template: Template): number {
  const count = (items: readonly TemplateItem[]): number =>
    items.reduce((sum, item) => sum + 1 + count(item.items), 0);
  return template.sections.reduce(
    (sum, section) => sum + section.groups.reduce((inner, group) => inner + count(group.items), 0),
    0,
  );
}

function createRegistry(defaultTemplate: Template, templates: Template[]): TemplateRegistry {
  const byId = new Map(templates.map((template) => [template.id, template]));
  return {
    get: (id) => byId.get(id),
    default: defaultTemplate,
    list: () => [...templates],
  };
}

// The node at `path`, or the nearest ancestor that exists (a missing field points at its parent).
function positionOf(
  root: Node | null,
  path: readonly (string | number)[],
  lineCounter: LineCounter,
): { line?: number; column?: number } {
  let node: unknown = root;
  let found: unknown = root;
  for (const key of path) {
    if (isMap(node)) node = node.get(key, true);
    else if (isSeq(node) && typeof key === 'number') node = node.get(key, true);
    else break;
    if (node === undefined) break;
    found = node;
  }
  const range = (found as { range?: [number, number, number] } | null)?.range;
  if (!range) return {};
  const pos = lineCounter.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

// Loaded templates are shared by every go-live that starts from them; freezing makes a stray edit loud.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** True for the shipped default template file, however it is spelled (relative, symlinked). */
export function isDefaultTemplateFile(file: string): boolean {
  try {
    return realpathSync(file) === realpathSync(defaultTemplateFile);
  } catch {
    return false;
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}
