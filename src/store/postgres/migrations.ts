import type pg from 'pg';
import { assertNumberedInOrder, SchemaTooNewError, type Migration, type MigrationReport } from '../migration.js';

/**
 * Numbered schema migrations for the PostgreSQL store (numbered on their own: the SQLite store's
 * history is not replayed here). TypeScript strings for the same reason as SQLite's: `tsc` ships them
 * with the code. The rules are in ../migration.ts.
 *
 * Times are `bigint` milliseconds; `pg` is told to read int8 as a number (connection.ts), which is
 * exact up to 2^53. JSON columns are `text`, as in SQLite, so one row mapping (../rows.ts) reads both.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE accounts (
        id          text PRIMARY KEY,
        auth_token  text NOT NULL,
        parent_id   text,
        name        text NOT NULL,
        created_at  bigint NOT NULL,
        enabled     boolean NOT NULL DEFAULT true,
        -- Order of first write, to list accounts created at the same time in a stable order.
        seq         bigint GENERATED ALWAYS AS IDENTITY
      );

      -- State written by producers in the same transaction as the deliveries it causes (the outbox).
      CREATE TABLE resources (
        type        text NOT NULL,
        id          text NOT NULL,
        account_id  text NOT NULL,
        state       text NOT NULL,   -- JSON
        updated_at  bigint NOT NULL,
        -- Newest first by first write: an upsert keeps the row's seq.
        seq         bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (type, id)
      );
      CREATE INDEX resources_by_type ON resources (type, seq);
      CREATE INDEX resources_by_type_account ON resources (type, account_id, seq);

      -- Each distinct delivery policy once (see ../policy-memo.ts); never deleted.
      CREATE TABLE policies (
        id    integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        json  text NOT NULL UNIQUE   -- JSON DeliveryPolicy
      );

      CREATE TABLE deliveries (
        seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id              text NOT NULL UNIQUE,
        account_id      text NOT NULL,
        dialect         text NOT NULL,
        kind            text NOT NULL,
        url             text NOT NULL,
        method          text NOT NULL,
        params          text NOT NULL,   -- JSON object of strings
        policy_id       integer NOT NULL REFERENCES policies (id),
        warnings        text NOT NULL,   -- JSON array of strings
        resource        text,
        status          text NOT NULL CHECK (status IN ('pending', 'in-flight', 'succeeded', 'failed')),
        due_at          bigint NOT NULL,
        attempt_count   integer NOT NULL DEFAULT 0,
        round_attempts  integer NOT NULL DEFAULT 0,
        replay_count    integer NOT NULL DEFAULT 0,
        last_outcome    text,            -- JSON AttemptOutcome
        lease_owner     text,
        lease_until     bigint,          -- wall time
        created_at      bigint NOT NULL,
        updated_at      bigint NOT NULL
      );

      -- The claim index: pending rows in due order with seq breaking ties, so a claim reads only the
      -- due ones and takes them in order without a sort. It also serves the next due time, the counts
      -- by status and the lease sweeps (in-flight rows are few: the dispatchers' concurrency).
      CREATE INDEX deliveries_by_status_due ON deliveries (status, due_at, seq);
      CREATE INDEX deliveries_by_account ON deliveries (account_id, seq);
      CREATE INDEX deliveries_by_resource ON deliveries (resource, seq);
      -- Retention: only finished rows are ever pruned, so only they are indexed by age.
      CREATE INDEX deliveries_finished_by_age ON deliveries (updated_at)
        WHERE status IN ('succeeded', 'failed');

      -- Not unique on (delivery_id, number): two dispatchers may both make attempt n of a delivery
      -- whose lease expired under the first, and both attempts happened.
      CREATE TABLE attempts (
        seq               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id       text NOT NULL,
        number            integer NOT NULL,
        started_at        bigint NOT NULL,
        duration_ms       double precision NOT NULL,
        request_method    text NOT NULL,
        request_url       text NOT NULL,
        request_headers   text NOT NULL,   -- JSON
        request_body      text,
        response_status   integer,         -- the response columns are NULL when no response came
        response_headers  text,            -- JSON
        response_body     text,
        body_truncated    boolean,
        outcome           text NOT NULL,   -- JSON AttemptOutcome
        next_attempt_at   bigint
      );
      CREATE INDEX attempts_by_delivery ON attempts (delivery_id, number);

      CREATE TABLE sinks (
        name      text PRIMARY KEY,
        status    integer NOT NULL,
        delay_ms  integer NOT NULL,
        body      text NOT NULL,
        headers   text NOT NULL   -- JSON
      );

      CREATE TABLE sink_requests (
        seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        sink         text NOT NULL,
        method       text NOT NULL,
        path         text NOT NULL,
        query        text NOT NULL,
        headers      text NOT NULL,   -- JSON
        body         text NOT NULL,
        received_at  bigint NOT NULL
      );
      CREATE INDEX sink_requests_by_sink ON sink_requests (sink, seq);
      CREATE INDEX sink_requests_by_age ON sink_requests (received_at);

      CREATE TABLE meta (
        key    text PRIMARY KEY,
        value  text NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'call ownership',
    sql: `
      -- Every process that runs calls, alive while it renews its lease, and where the others reach it.
      CREATE TABLE nodes (
        id           text PRIMARY KEY,
        url          text NOT NULL,
        lease_until  bigint NOT NULL   -- wall time
      );

      -- The node running each live call: requests for the call are forwarded to it, and when its lease
      -- runs out another node takes the call over to end it.
      CREATE TABLE call_owners (
        call_uuid  text PRIMARY KEY,
        node_id    text NOT NULL
      );
      CREATE INDEX call_owners_by_node ON call_owners (node_id);
    `,
  },
  {
    version: 3,
    name: 'message ownership',
    sql: `
      -- A node also owns the messages whose far end it plays (their next step waits on its timer), so
      -- one node drives each message and a dead node's messages pass to one other node.
      ALTER TABLE call_owners RENAME TO owners;
      ALTER TABLE owners RENAME COLUMN call_uuid TO uuid;
      ALTER TABLE owners ADD COLUMN kind text NOT NULL DEFAULT 'call';   -- call | message
      ALTER INDEX call_owners_pkey RENAME TO owners_pkey;
      ALTER INDEX call_owners_by_node RENAME TO owners_by_node;
    `,
  },
  {
    version: 4,
    name: 'accounts as LaML projects',
    sql: `
      -- SignalWire names a project by a UUID (the AccountSid) and signs its webhooks with a Signing Key
      -- that is not its API token (laml.md §1.1, §7.1). Every account gets both once, here or when it is
      -- made, and keeps them. An id that is itself a UUID was a project id given with --account: it
      -- stays its own. The key: PSK_ and 24 characters, as SignalWire's keys look.
      ALTER TABLE accounts ADD COLUMN laml_project_id text;
      ALTER TABLE accounts ADD COLUMN signing_key text;
      UPDATE accounts SET
        laml_project_id = CASE
          WHEN id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN id
          ELSE gen_random_uuid()::text
        END,
        signing_key = 'PSK_' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 24));
      ALTER TABLE accounts ALTER COLUMN laml_project_id SET NOT NULL;
      ALTER TABLE accounts ALTER COLUMN signing_key SET NOT NULL;
    `,
  },
];

/**
 * Any fixed number, the same in every hookline: the transaction-level advisory lock that makes
 * processes starting at once on one database migrate one after the other.
 */
const MIGRATION_LOCK = 0x686f6f6b; // "hook"

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  bigint NOT NULL   -- wall time
  )`;

/**
 * Bring the schema up to the newest migration, in one transaction under an advisory lock: a failure
 * leaves the database as it was, and of several processes starting at once the first migrates while
 * the others wait, then find nothing left to do. `where` names the database in errors.
 */
export async function migrate(client: pg.ClientBase, where: string, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  assertNumberedInOrder(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const current = await schemaVersion(client);
    if (current > known) throw new SchemaTooNewError(where, current, known, 'point --store at another database');
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        await client.query(migration.sql);
      } catch (error) {
        throw new Error(`migration ${migration.version} (${migration.name}) failed on ${where}: ${(error as Error).message}`, { cause: error });
      }
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
    }
    await client.query('COMMIT');
    return { from: current, to: Math.max(current, known) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** The newest migration applied, or 0 for an empty database. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
  return rows[0]?.version ?? 0;
}
