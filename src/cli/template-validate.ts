// `golive template validate [file…]`: checks template files as a start would, without starting the bot.
import { existsSync, statSync } from 'node:fs';
import type { CliIo } from './io.js';
import {
  countItems,
  defaultTemplateFile,
  formatTemplateErrors,
  isDefaultTemplateFile,
  listTemplateFiles,
  loadTemplateFiles,
} from '../templates/loader.js';

const USAGE = `usage: golive template validate [file…]
  With no file: validates the default template and, when GOLIVE_TEMPLATES_DIR is set, every *.yaml/*.yml in it.
  With files: validates each file (template ids must not clash with the default template or each other).
  Exit status: 0 all valid, 1 a template is invalid, 2 usage error.
`;

/** Runs the command; resolves to the exit status (0 all valid, 1 any invalid, 2 usage). */
export async function runTemplateValidate(args: string[], io: CliIo): Promise<number> {
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '--help' || arg === '-h') {
      io.stdout(USAGE);
      return 0;
    }
    if (arg.startsWith('-') && arg !== '-') {
      io.stderr(`golive template validate: unknown option ${arg}\n${USAGE}`);
      return 2;
    }
    files.push(arg);
  }

  const missing = files.filter((file) => !existsSync(file) || !statSync(file).isFile());
  if (missing.length > 0) {
    for (const file of missing) io.stderr(`golive template validate: ${file}: no such file\n`);
    return 2;
  }

  if (files.length > 0) {
    // The default loads first so a clashing id is reported on the user's file, as a start would refuse it;
    // it is reported only when asked for.
    const own = files.filter((file) => !isDefaultTemplateFile(file));
    const loaded = loadTemplateFiles([defaultTemplateFile, ...own]);
    return report(own.length === files.length ? loaded.slice(1) : loaded, io);
  }

  const toLoad = [defaultTemplateFile];
  const dir = io.env['GOLIVE_TEMPLATES_DIR'];
  if (dir !== undefined && dir !== '') {
    const listed = listTemplateFiles(dir);
    if (!listed.ok) {
      io.stderr(
        `golive template validate: GOLIVE_TEMPLATES_DIR=${dir}: ${listed.errors.map((e) => e.reason).join('; ')}\n`,
      );
      return 2;
    }
    toLoad.push(...listed.files.filter((file) => !isDefaultTemplateFile(file)));
  }
  return report(loadTemplateFiles(toLoad), io);
}

function report(loaded: ReturnType<typeof loadTemplateFiles>, io: CliIo): number {
  let invalid = 0;
  for (const { file, result } of loaded) {
    if (result.ok) {
      const { template } = result;
      io.stdout(
        `ok  ${file}  ${template.id} v${template.version}, ${template.sections.length} sections, ${countItems(template)} items\n`,
      );
    } else {
      invalid += 1;
      io.stdout(`invalid  ${file}\n`);
      io.stderr(formatTemplateErrors(result.errors));
    }
  }
  return invalid > 0 ? 1 : 0;
}
