import { z } from 'zod';
import { describeFields, type ConfigField } from './fields.js';

/** pino's levels, least severe last, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parts of `--account` after the auth id, none holding a colon or a comma (which separates accounts). */
const SECRET = '[^\\s,:]+';
const UUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';

/**
 * An account given on the command line: `AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]]`. The auth id
 * is a Plivo one (`MA…`) or, in the older two-part form, a LaML project id (a UUID) standing for both.
 * PROJECT_ID must be a UUID, as SignalWire's are (laml.md §1.1). Read into parts by config/accounts.ts.
 */
export const ACCOUNT_SPEC = new RegExp(`^([A-Za-z0-9][A-Za-z0-9_-]*):(${SECRET})(?::(${UUID})(?::(${SECRET}))?)?$`);

/**
 * Every hookline setting, in the order `--help` and docs/configuration.md list them. Each carries its
 * default and its one description; flags, environment variables and the docs are derived from here
 * (see fields.ts), so a setting is added in this one place.
 */
export const configSchema = z.strictObject({
  port: z
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(4080)
    .describe('TCP port for the carrier APIs, the control API, the sink and the inspector; 0 picks a free port (the banner shows which).'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'Address to listen on. Beyond loopback the control API requires a control token; one is generated and printed if none is set.',
    )
    .meta({ placeholder: 'ADDRESS' }),
  data: z
    .string()
    .min(1)
    .default('./.hookline')
    .describe('Directory for the embedded SQLite store (created if missing), or `:memory:` for a run that keeps nothing. Not used with --store.')
    .meta({ placeholder: 'DIR' }),
  store: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S*$/)
    .describe('a postgres:// or postgresql:// connection string')
    .optional()
    .describe(
      'PostgreSQL connection string (`postgres://user:password@host:5432/database`) for a store that several hookline processes share; the schema is created or upgraded at start. Unset: the embedded SQLite store in --data.',
    )
    .meta({ placeholder: 'URL' }),
  storePoolSize: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('PostgreSQL connections this process opens at most (with --store). Size the server for the sum over every process, plus one listening connection each.'),
  storeStatementTimeout: z
    .number()
    .int()
    .min(0)
    .default(30000)
    .describe('Milliseconds a PostgreSQL statement may run before the server cancels it (with --store); 0 for no limit.')
    .meta({ placeholder: 'MS' }),
  clock: z
    .enum(['real', 'virtual'])
    .default('real')
    .describe(
      '`real` follows the wall clock; `virtual` moves only on `POST /hookline/v1/clock/advance`, so a test can skip a 240 s retry at once.',
    ),
  timeScale: z
    .number()
    .positive()
    .default(1)
    .describe('Speed-up factor for the real clock, for demos: 60 turns a 60 s retry into 1 s. The virtual clock ignores it.'),
  account: z
    .array(z.string().regex(ACCOUNT_SPEC).describe('AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]] with PROJECT_ID a UUID'))
    .default([])
    .describe(
      'An account as AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]], stored so its deliveries survive a restart; repeat the flag (or separate with commas) for several. PROJECT_ID (a UUID) is its LaML project id, the `AccountSid` of the LaML API; SIGNING_KEY (`PSK_…`) signs its LaML webhooks. Either left out is generated once and kept; an AUTH_ID that is a UUID is its own project id. The first account is the dev account; with none, a dev account is created once and kept in the data directory.',
    )
    .meta({ placeholder: 'AUTH_ID:AUTH_TOKEN[:PROJECT_ID[:SIGNING_KEY]]' }),
  scenarios: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A JSON file of far-end scenarios loaded at start (the same shape as `POST /hookline/v1/scenarios` takes, as an array): how the far end of calls to or from each number answers and what it does during the call.',
    )
    .meta({ placeholder: 'FILE' }),
  controlToken: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Token the control API requires when set. Unset: none on loopback; beyond loopback one is generated at start and printed.',
    )
    .meta({ placeholder: 'TOKEN' }),
  ssrf: z
    .enum(['dev', 'strict'])
    .default('dev')
    .describe(
      'Which callback destinations are allowed. `dev`: loopback and private ranges too, for local work; `strict`: public addresses only, checked after DNS resolution and on every redirect.',
    ),
  ssrfAllow: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Addresses or CIDR ranges strict mode lets through anyway (e.g. `10.0.0.0/8` for receivers on a private network); repeat or separate with commas.',
    )
    .meta({ placeholder: 'CIDR' }),
  twilioSignature: z
    .boolean()
    .default(true)
    .describe(
      'Send `X-Twilio-Signature` on LaML webhooks besides `X-SignalWire-Signature` (the same value), for twilio-node\'s middleware, which reads only the former. Whether SignalWire sends it is unconfirmed; `--no-twilio-signature` sends only `X-SignalWire-Signature`.',
    ),
  dispatch: z
    .boolean()
    .default(true)
    .describe('Send notification callbacks from this process; `--no-dispatch` makes an API-only node that only stores them.'),
  deliveryLease: z
    .number()
    .int()
    .min(1000)
    .default(120000)
    .describe(
      'Milliseconds a dispatcher holds a claimed delivery at a time; it renews the lease while the attempt runs, so an attempt may take longer. On a shared store, how long the deliveries of a worker that died wait before another takes them.',
    )
    .meta({ placeholder: 'MS' }),
  nodeLease: z
    .number()
    .int()
    .min(1000)
    .default(15000)
    .describe(
      'On a shared store, milliseconds this node keeps its live calls and the messages it drives without renewing its lease (renewed three times per lease). When a node dies, the others end its calls with 5010, and go on with its messages, once its lease has run out.',
    )
    .meta({ placeholder: 'MS' }),
  advertiseUrl: z
    .string()
    .regex(/^https?:\/\/[^/\s]+\/?$/)
    .describe('an http:// or https:// base URL')
    .optional()
    .describe(
      'On a shared store, the base URL other nodes use to forward requests about the live calls this node runs (e.g. http://10.0.0.5:8080); by default the address it listens on.',
    )
    .meta({ placeholder: 'URL' }),
  concurrency: z.number().int().min(1).default(256).describe('Callback attempts in flight at once, across all destinations.'),
  connectionsPerOrigin: z
    .number()
    .int()
    .min(1)
    .default(64)
    .describe('Keep-alive connections open at most per destination origin (scheme, host and port).'),
  statusTimeout: z
    .number()
    .int()
    .min(1)
    .default(8000)
    .describe(
      'Response timeout, in milliseconds, for messaging and verify status callbacks (Plivo waits 8 s before counting one as failed).',
    )
    .meta({ placeholder: 'MS' }),
  statusRetryDelays: z
    .array(z.number().nonnegative())
    .default([60, 120, 240])
    .describe(
      "Seconds before each retry of a failed messaging or verify status callback, in order; the list's length is the number of retries (Plivo: 60, 120, 240).",
    )
    .meta({ placeholder: 'SECONDS,…' }),
  attemptBodyLimit: z
    .number()
    .int()
    .min(0)
    .default(65536)
    .describe("Bytes of each attempt's response body kept in the attempt log; the rest is cut and marked truncated.")
    .meta({ placeholder: 'BYTES' }),
  bodyLimit: z
    .number()
    .int()
    .min(1)
    .default(1048576)
    .describe('Largest request body, in bytes, accepted by every API and the sink.')
    .meta({ placeholder: 'BYTES' }),
  retentionHours: z
    .number()
    .positive()
    .default(168)
    .describe('Hours finished deliveries, their attempts and sink requests are kept; a pass when hookline starts, then one every hour, prunes older ones.')
    .meta({ placeholder: 'HOURS' }),
  logLevel: z
    .enum(LOG_LEVELS)
    .default('info')
    .describe('Least severe log level written; `silent` writes none.')
    .meta({ placeholder: 'LEVEL' }),
  logFormat: z
    .enum(['auto', 'pretty', 'json'])
    .default('auto')
    .describe(
      '`pretty`: one readable line per log event; `json`: one JSON object per line (pino), for log collectors; `auto`: pretty when stdout is a terminal, JSON otherwise.',
    ),
});

export type HooklineConfig = z.output<typeof configSchema>;
/** A config as a file or a caller may give it: every setting optional. */
export type HooklineConfigInput = z.input<typeof configSchema>;

/** Per-setting metadata (flag, environment variable, coercion, help text), read off `configSchema`. */
export const configFields: readonly ConfigField[] = describeFields(configSchema);

export type { ConfigField, ValueKind } from './fields.js';
