// The default template (the seed checklist, templates/production.yaml), loaded once and shared.
import type { Template } from '../domain/template.js';
import { defaultTemplateFile, formatTemplateErrors, loadTemplateFiles } from './loader.js';
import type { TemplateError } from './loader.js';

/** The shipped default template is broken: a packaging or editing mistake, not a user error. */
export class DefaultTemplateInvalidError extends Error {
  readonly code = 'GOLIVE_DEFAULT_TEMPLATE_INVALID';
  constructor(readonly errors: readonly TemplateError[]) {
    super(`the default template is invalid:\n${formatTemplateErrors(errors)}`);
    this.name = 'DefaultTemplateInvalidError';
  }
}

let cached: Template | undefined;

/** The validated default template (frozen); throws DefaultTemplateInvalidError if the shipped file is bad. */
export function defaultTemplate(): Template {
  if (cached) return cached;
  const [loaded] = loadTemplateFiles([defaultTemplateFile]);
  if (!loaded?.result.ok) throw new DefaultTemplateInvalidError(loaded?.result.ok === false ? loaded.result.errors : []);
  cached = loaded.result.template;
  return cached;
}
