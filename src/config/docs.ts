import { defaultText, hiddenChoices, type ConfigField } from './fields.js';
import { CONFIG_FILE_ENV } from './load.js';
import { configFields } from './schema.js';

/**
 * docs/configuration.md, generated from the schema so the table cannot drift from the code.
 * Pure: scripts/gen-config-docs.mjs writes it, and a unit test fails when the file is stale.
 */
export function renderConfigurationDoc(fields: readonly ConfigField[] = configFields): string {
  const rows = fields.map(
    (field) =>
      `| \`${field.key}\` | ${code(`${field.flag} ${field.kind === 'boolean' ? '' : `<${field.placeholder}>`}`.trim())} | \`${field.env}\` | ${code(defaultText(field))} | ${cell(describe(field))} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config/schema.ts by `node scripts/gen-config-docs.mjs` (after `npm run build`). Edit the schema, not this file. -->',
    '',
    '`hookline serve` reads every setting below from, in order of precedence (highest first):',
    '',
    '1. its command-line flag (`hookline serve --port 5000`, or `npm start -- --port 5000`);',
    '2. its environment variable (`HOOKLINE_PORT=5000`); an empty variable counts as unset;',
    `3. a JSON config file named by \`--config FILE\` or \`${CONFIG_FILE_ENV}\`;`,
    '4. the default in this table.',
    '',
    '| Setting | Flag | Environment variable | Default | Description |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    '## Values',
    '',
    '- Numbers are plain decimals (`8000`, `0.5`); sizes are in bytes and durations in the unit the setting names.',
    '- Booleans accept `true`/`false`, `1`/`0`, `yes`/`no` and `on`/`off` in the environment; on the command line, the flag alone.',
    '- Lists are comma-separated in the environment (`HOOKLINE_STATUS_RETRY_DELAYS=60,120,240`); on the command line the flag takes the same form or may be repeated (`--account A:a --account B:b`).',
    '- A value that does not fit stops hookline before it starts, with a message naming the flag, the environment variable and what is allowed.',
    '',
    '## The config file',
    '',
    'A JSON object whose keys are the settings in the first column, with typed values:',
    '',
    '```json',
    '{',
    '  "port": 5000,',
    '  "clock": "virtual",',
    '  "statusRetryDelays": [1, 2, 4],',
    '  "account": ["MAXXXXXXXXXXXXXXXXXX:token"]',
    '}',
    '```',
    '',
    'A key that is not a setting is an error that names it, so a typo cannot be silently ignored.',
    '',
  ].join('\n');
}

function describe(field: ConfigField): string {
  const choices = hiddenChoices(field);
  return choices ? `${field.description} Allowed: ${choices.replace(/^one of /, '')}.` : field.description;
}

function code(text: string): string {
  return `\`${text.replaceAll('|', '\\|')}\``;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}
