// Writes docs/configuration.md from the config schema. Runs on the build output (no TypeScript loader
// needed): `npm run build && node scripts/gen-config-docs.mjs`. test/unit/config.test.ts fails when the
// committed file differs from what this writes.
import { existsSync, writeFileSync } from 'node:fs';

const docsModule = new URL('../dist/config/docs.js', import.meta.url);
if (!existsSync(docsModule)) {
  console.error('gen-config-docs: dist/config/docs.js is missing; run `npm run build` first');
  process.exit(1);
}
const { renderConfigurationDoc } = await import(docsModule.href);
const target = new URL('../docs/configuration.md', import.meta.url);
writeFileSync(target, renderConfigurationDoc());
console.log(`gen-config-docs: wrote ${target.pathname}`);
