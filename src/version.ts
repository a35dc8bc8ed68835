import { readFileSync } from 'node:fs';

/** hookline's version, from package.json, for `User-Agent` and `--version`. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
