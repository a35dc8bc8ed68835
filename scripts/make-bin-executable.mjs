// npm links `bin` entries on install, but a fresh `tsc` output is not executable; set the bit so
// `./dist/cli/main.js` and the linked `hookline` command both run.
import { chmodSync, existsSync } from 'node:fs';

const bin = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
