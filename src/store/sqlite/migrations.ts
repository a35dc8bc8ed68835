import type BetterSqlite3 from 'better-sqlite3';
import { assertNumberedInOrder, SchemaTooNewError, type Migration, type MigrationReport } from '../migration.js';

export { SchemaTooNewError, type Migration, type MigrationReport } from '../migration.js';

/**
 * Numbered schema migrations for the embedded store. They are TypeScript strings rather than `.sql`
 * files because `tsc` does not copy `.sql` files into `dist/`, and a migration that is missing at run
 * time is worse than one that is slightly less pleasant to edit. The rules are in ../migration.ts.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
      CREATE TABLE accounts (
        id          TEXT PRIMARY KEY,
        auth_token  TEXT NOT NULL,
        parent_id   TEXT,
        name        TEXT NOT NULL,
        created_at  INTEGER NOT NULL
      );

      -- State written by producers in the same transaction as the deliveries it causes (the outbox).
      CREATE TABLE resources (
        type        TEXT NOT NULL,
        id          TEXT NOT NULL,
        account_id  TEXT NOT NULL,
        state       TEXT NOT NULL,   -- JSON
        updated_at  INTEGER NOT NULL,
        PRIMARY KEY (type, id)
      );

      -- seq is the rowid: a new row always gets one above every row present, which is all the
      -- newest-first listing needs. No AUTOINCREMENT: it would add a write to sqlite_sequence (one more
      -- page in the WAL) to every commit, only to avoid reusing the seq of a row retention deleted.
      CREATE TABLE deliveries (
        seq             INTEGER PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        account_id      TEXT NOT NULL,
        dialect         TEXT NOT NULL,
        kind            TEXT NOT NULL,
        url             TEXT NOT NULL,
        method          TEXT NOT NULL,
        params          TEXT NOT NULL,   -- JSON object of strings
        policy          TEXT NOT NULL,   -- JSON DeliveryPolicy
        warnings        TEXT NOT NULL,   -- JSON array of strings
        resource        TEXT,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'in-flight', 'succeeded', 'failed')),
        due_at          INTEGER NOT NULL,
        attempt_count   INTEGER NOT NULL DEFAULT 0,
        round_attempts  INTEGER NOT NULL DEFAULT 0,
        replay_count    INTEGER NOT NULL DEFAULT 0,
        last_outcome    TEXT,            -- JSON AttemptOutcome
        lease_owner     TEXT,
        lease_until     INTEGER,         -- wall time
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL
      );

      -- The claim index: pending rows in due order (seq, the rowid, breaks ties), so claiming the due
      -- ones never reads the rows due later. It also serves nextDueAt, countByStatus and the lease
      -- sweeps (in-flight rows are few: at most the dispatchers' concurrency).
      CREATE INDEX deliveries_by_status_due ON deliveries (status, due_at);
      CREATE INDEX deliveries_by_account ON deliveries (account_id, seq);
      CREATE INDEX deliveries_by_resource ON deliveries (resource, seq);
      -- Retention: only finished rows are ever pruned, so only they are indexed by age.
      CREATE INDEX deliveries_finished_by_age ON deliveries (updated_at)
        WHERE status IN ('succeeded', 'failed');

      -- Not unique on (delivery_id, number): two dispatchers may both make attempt n of a delivery
      -- whose lease expired under the first, and both attempts happened.
      CREATE TABLE attempts (
        seq               INTEGER PRIMARY KEY,
        delivery_id       TEXT NOT NULL,
        number            INTEGER NOT NULL,
        started_at        INTEGER NOT NULL,
        duration_ms       REAL NOT NULL,
        request_method    TEXT NOT NULL,
        request_url       TEXT NOT NULL,
        request_headers   TEXT NOT NULL,   -- JSON
        request_body      TEXT,
        response_status   INTEGER,         -- the response columns are NULL when no response came
        response_headers  TEXT,            -- JSON
        response_body     TEXT,
        body_truncated    INTEGER,         -- 0/1
        outcome           TEXT NOT NULL,   -- JSON AttemptOutcome
        next_attempt_at   INTEGER
      );
      CREATE INDEX attempts_by_delivery ON attempts (delivery_id, number);

      CREATE TABLE sinks (
        name      TEXT PRIMARY KEY,
        status    INTEGER NOT NULL,
        delay_ms  INTEGER NOT NULL,
        body      TEXT NOT NULL,
        headers   TEXT NOT NULL   -- JSON
      );

      -- AUTOINCREMENT here (unlike deliveries): readers follow new requests forward with "seq > cursor",
      -- so a seq must never be handed out again after retention empties the table.
      CREATE TABLE sink_requests (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        sink         TEXT NOT NULL,
        method       TEXT NOT NULL,
        path         TEXT NOT NULL,
        query        TEXT NOT NULL,
        headers      TEXT NOT NULL,   -- JSON
        body         TEXT NOT NULL,
        received_at  INTEGER NOT NULL
      );
      CREATE INDEX sink_requests_by_sink ON sink_requests (sink, seq);
      CREATE INDEX sink_requests_by_age ON sink_requests (received_at);

      CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'delivery policies stored once',
    sql: `
      -- Nearly every delivery of a profile carries the same policy: 320 bytes of JSON on a row written
      -- three times per callback (inserted, claimed, finished). Each distinct policy is stored once here
      -- and never deleted, so an id always means the same policy (see policies.ts).
      CREATE TABLE policies (
        id    INTEGER PRIMARY KEY,
        json  TEXT NOT NULL UNIQUE   -- JSON DeliveryPolicy
      );
      INSERT INTO policies (json) SELECT DISTINCT policy FROM deliveries ORDER BY policy;

      -- Set on every row; nullable only because ADD COLUMN cannot add NOT NULL without a default.
      ALTER TABLE deliveries ADD COLUMN policy_id INTEGER REFERENCES policies (id);
      UPDATE deliveries SET policy_id = (SELECT id FROM policies WHERE json = deliveries.policy);
      ALTER TABLE deliveries DROP COLUMN policy;
    `,
  },
  {
    version: 3,
    name: 'resources listed by type and account',
    sql: `
      -- The front doors list their resources (messages, calls, sessions) newest first per account;
      -- the rowid, last in every index entry, gives that order without a sort.
      CREATE INDEX resources_by_type_account ON resources (type, account_id);
    `,
  },
  {
    version: 4,
    name: 'accounts can be disabled',
    sql: `
      -- Plivo sub-accounts are enabled and disabled through the API; a disabled one cannot authenticate.
      ALTER TABLE accounts ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1));
    `,
  },
  {
    version: 5,
    name: 'accounts as LaML projects',
    sql: `
      -- SignalWire names a project by a UUID (the AccountSid) and signs its webhooks with a Signing Key
      -- that is not its API token (laml.md §1.1, §7.1). Every account gets both once, here or when it is
      -- made, and keeps them. An id that is itself a UUID was a project id given with --account: it
      -- stays its own. Set on every row; nullable only because ADD COLUMN cannot add NOT NULL without a
      -- default. The key: PSK_ and 24 characters, as SignalWire's keys look.
      ALTER TABLE accounts ADD COLUMN laml_project_id TEXT;
      ALTER TABLE accounts ADD COLUMN signing_key TEXT;
      UPDATE accounts SET
        laml_project_id = CASE
          WHEN length(id) = 36 AND id GLOB '????????-????-????-????-????????????' AND NOT lower(id) GLOB '*[^0-9a-f-]*' THEN id
          ELSE lower(
            hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
            substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))
          )
        END,
        signing_key = 'PSK_' || hex(randomblob(12));
    `,
  },
];

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  INTEGER NOT NULL   -- wall time
  )`;

/**
 * Bring the schema up to the newest migration. Every pending migration runs in one IMMEDIATE
 * transaction: a failure leaves the database exactly as it was, and two processes opening the same
 * file at once cannot both apply the same step.
 */
export function migrate(db: BetterSqlite3.Database, path: string, migrations: readonly Migration[] = MIGRATIONS): MigrationReport {
  assertNumberedInOrder(migrations);
  const known = migrations.at(-1)?.version ?? 0;
  const run = db.transaction((): MigrationReport => {
    db.exec(CREATE_MIGRATIONS_TABLE);
    const current = schemaVersion(db);
    if (current > known) throw new SchemaTooNewError(path, current, known);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new Error(`migration ${migration.version} (${migration.name}) failed on ${path}: ${(error as Error).message}`, { cause: error });
      }
      record.run(migration.version, migration.name, Date.now());
    }
    return { from: current, to: Math.max(current, known) };
  });
  return run.immediate();
}

/** The newest migration applied to `db`, or 0 for an empty database. */
export function schemaVersion(db: BetterSqlite3.Database): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
  return row.version ?? 0;
}
