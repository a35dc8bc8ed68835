import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as BuiltErrorsModule from '../../dist/domain/errors.js';
import type * as BuiltStoreModule from '../../dist/store/sqlite/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The sources the compiled store (and its worker thread) is built from. */
const SOURCE_DIRS = ['src/store', 'src/domain'];

type BuiltStore = typeof BuiltStoreModule;
type BuiltErrors = typeof BuiltErrorsModule;

/**
 * The store as compiled into `dist/`. Worker mode can only be tested there: Node 20 cannot start a
 * TypeScript file as a worker thread, so from the sources the store runs inline. `npm test` builds
 * first; a `dist/` older than the sources would test yesterday's code, so it is refused by name.
 */
export async function importBuiltStore(): Promise<BuiltStore & BuiltErrors> {
  assertBuildIsFresh();
  const store: BuiltStore = await import('../../dist/store/sqlite/index.js');
  const errors: BuiltErrors = await import('../../dist/domain/errors.js');
  return { ...store, ...errors };
}

function assertBuildIsFresh(): void {
  for (const dir of SOURCE_DIRS) {
    for (const source of typeScriptFiles(join(ROOT, dir))) {
      const built = join(ROOT, 'dist', relative(join(ROOT, 'src'), source)).replace(/\.ts$/, '.js');
      const problem = !existsSync(built) ? 'is missing' : statSync(built).mtimeMs < statSync(source).mtimeMs ? 'is older than its source' : null;
      if (problem) {
        throw new Error(`${relative(ROOT, built)} ${problem}: run \`npm run build\` before these tests (npm test does)`);
      }
    }
  }
}

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
