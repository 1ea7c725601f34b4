// `npm run bench`: runs every bench module beside this file (each `export default async function`), one after
// another so they do not disturb each other's figures. `npm run bench -- checks` runs only bench/checks.
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const ext = extname(here);
const only = new Set(process.argv.slice(2));

const modules = readdirSync(dirname(here))
  .filter((file) => extname(file) === ext && !file.endsWith(`.d${ext}`) && file !== basename(here))
  .map((file) => basename(file, ext))
  .filter((name) => only.size === 0 || only.has(name))
  .sort();

if (modules.length === 0) {
  console.log(only.size > 0 ? `no bench module named ${[...only].join(', ')}` : 'no bench modules found');
  process.exitCode = only.size > 0 ? 1 : 0;
}

for (const name of modules) {
  console.log(`\n## ${name}`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(dirname(here), `${name}${ext}`)).href)) as { default?: unknown };
    if (typeof mod.default !== 'function') {
      console.log(`skipped: bench/${name} has no default export function`);
      continue;
    }
    await (mod.default as () => Promise<void>)();
    console.log(`(${name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    console.log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  }
}
