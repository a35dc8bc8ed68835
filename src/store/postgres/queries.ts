/**
 * Every statement the PostgreSQL store runs, in one place so the SQL can be read without the code
 * around it. Batches travel as one array parameter per column and are expanded with `unnest`, so a
 * batch of any size is one statement with a fixed text (prepared once per connection) and one round
 * trip.
 */

export const DELIVERY_COLUMNS = `
  seq, id, account_id, dialect, kind, url, method, params, policy_id, warnings, resource, status, due_at,
  attempt_count, round_attempts, replay_count, last_outcome, created_at, updated_at`;

const ATTEMPT_COLUMNS = `
  delivery_id, number, started_at, duration_ms, request_method, request_url, request_headers, request_body,
  response_status, response_headers, response_body, body_truncated, outcome, next_attempt_at`;

/** A column of a batch insert: its name, its array type, and the key of the row parameters that fills it. */
export interface BatchColumn {
  readonly column: string;
  readonly type: string;
  readonly key: string;
}

/** The columns `deliveryParams` (../rows.ts) fills, in insert order. */
export const DELIVERY_INSERT: readonly BatchColumn[] = [
  { column: 'id', type: 'text', key: 'id' },
  { column: 'account_id', type: 'text', key: 'accountId' },
  { column: 'dialect', type: 'text', key: 'dialect' },
  { column: 'kind', type: 'text', key: 'kind' },
  { column: 'url', type: 'text', key: 'url' },
  { column: 'method', type: 'text', key: 'method' },
  { column: 'params', type: 'text', key: 'params' },
  { column: 'policy_id', type: 'integer', key: 'policyId' },
  { column: 'warnings', type: 'text', key: 'warnings' },
  { column: 'resource', type: 'text', key: 'resource' },
  { column: 'status', type: 'text', key: 'status' },
  { column: 'due_at', type: 'bigint', key: 'dueAt' },
  { column: 'attempt_count', type: 'integer', key: 'attemptCount' },
  { column: 'round_attempts', type: 'integer', key: 'roundAttempts' },
  { column: 'last_outcome', type: 'text', key: 'lastOutcome' },
  { column: 'lease_owner', type: 'text', key: 'leaseOwner' },
  { column: 'lease_until', type: 'bigint', key: 'leaseUntil' },
  { column: 'created_at', type: 'bigint', key: 'createdAt' },
  { column: 'updated_at', type: 'bigint', key: 'updatedAt' },
];

/** The columns `attemptParams` (../rows.ts) fills, in insert order. */
export const ATTEMPT_INSERT: readonly BatchColumn[] = [
  { column: 'delivery_id', type: 'text', key: 'deliveryId' },
  { column: 'number', type: 'integer', key: 'number' },
  { column: 'started_at', type: 'bigint', key: 'startedAt' },
  { column: 'duration_ms', type: 'double precision', key: 'durationMs' },
  { column: 'request_method', type: 'text', key: 'requestMethod' },
  { column: 'request_url', type: 'text', key: 'requestUrl' },
  { column: 'request_headers', type: 'text', key: 'requestHeaders' },
  { column: 'request_body', type: 'text', key: 'requestBody' },
  { column: 'response_status', type: 'integer', key: 'responseStatus' },
  { column: 'response_headers', type: 'text', key: 'responseHeaders' },
  { column: 'response_body', type: 'text', key: 'responseBody' },
  { column: 'body_truncated', type: 'boolean', key: 'bodyTruncated' },
  { column: 'outcome', type: 'text', key: 'outcome' },
  { column: 'next_attempt_at', type: 'bigint', key: 'nextAttemptAt' },
];

/**
 * `INSERT … SELECT FROM unnest($1::t1[], $2::t2[], …)`, rows taken in the order given (WITH ORDINALITY),
 * so identity values (seq) rise in that order.
 */
export function batchInsert(table: string, columns: readonly BatchColumn[], returning: string): string {
  const names = columns.map((c) => c.column).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  return `
    INSERT INTO ${table} (${names})
    SELECT ${names} FROM unnest(${arrays}) WITH ORDINALITY AS batch (${names}, ord)
    ORDER BY ord
    ${returning ? `RETURNING ${returning}` : ''}`;
}

/** The array parameters of `batchInsert`: one array per column. */
export function batchValues(columns: readonly BatchColumn[], rows: ReadonlyArray<Readonly<Record<string, unknown>>>): unknown[][] {
  return columns.map((c) => rows.map((row) => row[c.key] ?? null));
}

export const INSERT_DELIVERIES = batchInsert('deliveries', DELIVERY_INSERT, 'id, seq');
export const INSERT_ATTEMPTS = batchInsert('attempts', ATTEMPT_INSERT, '');

export const UPSERT_ACCOUNT = `
  INSERT INTO accounts (id, auth_token, laml_project_id, signing_key, parent_id, name, created_at, enabled)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (id) DO UPDATE SET
    auth_token = excluded.auth_token, laml_project_id = excluded.laml_project_id, signing_key = excluded.signing_key,
    parent_id = excluded.parent_id,
    name = excluded.name, created_at = excluded.created_at, enabled = excluded.enabled`;
export const SELECT_ACCOUNT = `SELECT id, auth_token, laml_project_id, signing_key, parent_id, name, created_at, enabled FROM accounts WHERE id = $1`;
export const SELECT_ACCOUNTS = `SELECT id, auth_token, laml_project_id, signing_key, parent_id, name, created_at, enabled FROM accounts ORDER BY created_at, seq`;
export const DELETE_ACCOUNT = `DELETE FROM accounts WHERE id = $1`;

/** A change set's resources at once; the caller passes each (type, id) once, as one statement cannot update a row twice. */
export const UPSERT_RESOURCES = `
  INSERT INTO resources (type, id, account_id, state, updated_at)
  SELECT type, id, account_id, state, updated_at
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY AS batch (type, id, account_id, state, updated_at, ord)
  ORDER BY ord
  ON CONFLICT (type, id) DO UPDATE SET
    account_id = excluded.account_id, state = excluded.state, updated_at = excluded.updated_at`;
export const SELECT_RESOURCE = `SELECT type, id, account_id, state, updated_at FROM resources WHERE type = $1 AND id = $2`;
export const DELETE_RESOURCE = `DELETE FROM resources WHERE type = $1 AND id = $2`;

/**
 * Newest first by first write. State fields are read with `->>` from the JSON text; `fields` are
 * checked names (../filters.ts), never user text in the SQL. Parameters: type, [account], field
 * values, then limit and offset for the rows.
 */
export function listResources(shape: { account: boolean; fields: readonly string[]; prefixes: readonly string[]; present: readonly string[] }): { rows: string; count: string; params: number } {
  const where = ['type = $1'];
  let n = 1;
  if (shape.account) where.push(`account_id = $${++n}`);
  for (const field of shape.fields) where.push(`(state::json ->> '${field}') = $${++n}`);
  for (const field of shape.prefixes) where.push(`(state::json ->> '${field}') LIKE $${++n} ESCAPE '\\'`);
  for (const field of shape.present) where.push(`(state::json ->> '${field}') IS NOT NULL`);
  const clause = where.join(' AND ');
  return {
    rows: `SELECT type, id, account_id, state, updated_at FROM resources WHERE ${clause} ORDER BY seq DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
    count: `SELECT count(*) AS total FROM resources WHERE ${clause}`,
    params: n,
  };
}

export const UPSERT_POLICIES = `
  INSERT INTO policies (json) SELECT unnest($1::text[])
  ON CONFLICT (json) DO UPDATE SET json = excluded.json
  RETURNING json, id`;
export const SELECT_POLICY = `SELECT json FROM policies WHERE id = $1`;

/**
 * Take the due rows off the (status, due_at, seq) index, oldest due first, skipping rows another
 * dispatcher's claim has locked, and lease them. Parameters: now, limit, owner, lease until. The
 * order of RETURNING rows is not defined, so the caller sorts them by (due_at, seq).
 */
export const CLAIM_DUE = `
  WITH due AS (
    SELECT seq FROM deliveries
    WHERE status = 'pending' AND due_at <= $1
    ORDER BY due_at, seq
    LIMIT $2
    FOR UPDATE SKIP LOCKED)
  UPDATE deliveries d
  SET status = 'in-flight', lease_owner = $3, lease_until = $4
  FROM due WHERE d.seq = due.seq
  RETURNING ${DELIVERY_COLUMNS.replace(/(\w+)/g, 'd.$1')}`;

/**
 * Move delivered-to deliveries on after their attempts, but only those still in flight under the
 * owner ($6). The caller passes each delivery once. Parameters: ids, statuses, due times (null keeps
 * the row's), last outcomes, updated times, owner.
 */
export const FINISH_ATTEMPTS = `
  UPDATE deliveries d
  SET status = r.status, due_at = coalesce(r.due_at, d.due_at),
      attempt_count = d.attempt_count + 1, round_attempts = d.round_attempts + 1,
      last_outcome = r.last_outcome, updated_at = r.updated_at,
      lease_owner = NULL, lease_until = NULL
  FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) AS r (id, status, due_at, last_outcome, updated_at)
  WHERE d.id = r.id AND d.status = 'in-flight' AND d.lease_owner = $6`;

export const NEXT_DUE_AT = `SELECT min(due_at) AS due_at FROM deliveries WHERE status = 'pending'`;

/**
 * The next due time as a dispatcher's turn sees it: rows that another dispatcher's claim holds locked
 * are about to be in flight, so they are not the earliest pending one for this dispatcher.
 */
export const NEXT_DUE_AT_UNCLAIMED = `
  SELECT due_at FROM deliveries WHERE status = 'pending'
  ORDER BY due_at, seq LIMIT 1
  FOR UPDATE SKIP LOCKED`;

/** Leases an owner still holds, extended: ids ($1, text[]), owner, new lease end (wall ms). */
export const RENEW_LEASES = `
  UPDATE deliveries SET lease_until = $3
  WHERE id = ANY($1::text[]) AND status = 'in-flight' AND lease_owner = $2`;

export const RECLAIM_EXPIRED_LEASES = `
  UPDATE deliveries
  SET status = 'pending', due_at = $2, lease_owner = NULL, lease_until = NULL
  WHERE status = 'in-flight' AND lease_until < $1`;

export const RELEASE_ALL_LEASES = `
  UPDATE deliveries
  SET status = 'pending', due_at = $1, lease_owner = NULL, lease_until = NULL
  WHERE status = 'in-flight'`;

/** A fresh retry round: the schedule starts over, the attempt numbers carry on. Parameters: id, due at, now. */
export const REPLAY_FINISHED = `
  UPDATE deliveries
  SET status = 'pending', due_at = $2, round_attempts = 0, replay_count = replay_count + 1, updated_at = $3
  WHERE id = $1 AND status IN ('succeeded', 'failed')
  RETURNING ${DELIVERY_COLUMNS}`;

export const SELECT_DELIVERY = `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = $1`;

export const SELECT_ATTEMPTS = `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = $1 ORDER BY number, seq`;

export const COUNT_BY_STATUS = `SELECT status, count(*) AS count FROM deliveries GROUP BY status`;

export interface DeliveryFilterValues {
  readonly accountId?: string | undefined;
  readonly status?: string | undefined;
  /** Already escaped for LIKE. */
  readonly url?: string | undefined;
  readonly resource?: string | undefined;
  readonly after?: number | null;
}

/**
 * Newest first by seq. The URL filter is a substring match that ignores case, as SQLite's LIKE does
 * for ASCII; `%`, `_` and `\` in the user's text are escaped so they match themselves. Returns the
 * statement and its parameters, the page limit last.
 */
export function listDeliveries(filter: DeliveryFilterValues, limit: number): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (condition: (n: string) => string, value: unknown): void => {
    values.push(value);
    where.push(condition(`$${values.length}`));
  };
  if (filter.accountId !== undefined) add((p) => `account_id = ${p}`, filter.accountId);
  if (filter.status !== undefined) add((p) => `status = ${p}`, filter.status);
  if (filter.url !== undefined) add((p) => `url ILIKE '%' || ${p} || '%' ESCAPE '\\'`, filter.url);
  if (filter.resource !== undefined) add((p) => `resource = ${p}`, filter.resource);
  if (filter.after !== undefined && filter.after !== null) add((p) => `seq < ${p}`, filter.after);
  values.push(limit);
  return {
    text: `SELECT ${DELIVERY_COLUMNS} FROM deliveries ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  };
}

export const UPSERT_SINK = `
  INSERT INTO sinks (name, status, delay_ms, body, headers)
  VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (name) DO UPDATE SET
    status = excluded.status, delay_ms = excluded.delay_ms, body = excluded.body, headers = excluded.headers`;
export const SELECT_SINK = `SELECT status, delay_ms, body, headers FROM sinks WHERE name = $1`;

export const INSERT_SINK_REQUEST = `
  INSERT INTO sink_requests (sink, method, path, query, headers, body, received_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  RETURNING seq`;
/** Oldest first, so requests read in arrival order. Parameters: sink, after, limit. */
export const SELECT_SINK_REQUESTS = `
  SELECT seq, sink, method, path, query, headers, body, received_at FROM sink_requests
  WHERE sink = $1 AND seq > $2
  ORDER BY seq
  LIMIT $3`;

export const SELECT_META = `SELECT value FROM meta WHERE key = $1`;
export const UPSERT_META = `
  INSERT INTO meta (key, value) VALUES ($1, $2)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

/**
 * One chunk of retention in one statement: up to $2 finished deliveries last changed before $1, and
 * their attempts. Rows another transaction holds (a replay under way) are skipped, not waited for.
 */
export const PRUNE_DELIVERIES = `
  WITH doomed AS (
    SELECT seq, id FROM deliveries
    WHERE status IN ('succeeded', 'failed') AND updated_at < $1
    LIMIT $2
    FOR UPDATE SKIP LOCKED),
  gone AS (DELETE FROM deliveries d USING doomed WHERE d.seq = doomed.seq RETURNING d.id),
  gone_attempts AS (DELETE FROM attempts a USING gone WHERE a.delivery_id = gone.id RETURNING 1)
  SELECT (SELECT count(*) FROM gone) AS deliveries, (SELECT count(*) FROM gone_attempts) AS attempts`;
export const PRUNE_SINK_REQUESTS = `
  DELETE FROM sink_requests
  WHERE seq IN (SELECT seq FROM sink_requests WHERE received_at < $1 LIMIT $2)`;

export const RENEW_NODE = `
  INSERT INTO nodes (id, url, lease_until) VALUES ($1, $2, $3)
  ON CONFLICT (id) DO UPDATE SET url = excluded.url, lease_until = excluded.lease_until`;
/** A node that leaves keeps its row, expired, so calls it could not hand back are still taken over. */
export const LEAVE_NODE = `UPDATE nodes SET lease_until = 0 WHERE id = $1`;
/** $1: the uuids, all of kind $3, owned by node $2. */
export const OWN = `
  INSERT INTO owners (uuid, node_id, kind) SELECT uuid, $2, $3 FROM unnest($1::text[]) AS owned (uuid)
  ON CONFLICT (uuid) DO UPDATE SET node_id = excluded.node_id, kind = excluded.kind`;
export const CLAIM = `
  INSERT INTO owners (uuid, node_id, kind) SELECT uuid, $2, $3 FROM unnest($1::text[]) AS owned (uuid)
  ON CONFLICT (uuid) DO NOTHING
  RETURNING uuid`;
export const DISOWN = `DELETE FROM owners WHERE uuid = $1 AND node_id = $2`;
export const OWNER_OF = `
  SELECT o.node_id, n.url, n.lease_until FROM owners o JOIN nodes n ON n.id = o.node_id
  WHERE o.uuid = $1`;

/**
 * Take over what nodes whose lease ran out before $2 owned, for node $1, at most $3 rows: rows another
 * node is taking over at the same moment are skipped, so each call or message passes to one node only.
 */
export const ADOPT_ORPHANS = `
  WITH orphaned AS (
    SELECT o.uuid FROM owners o JOIN nodes n ON n.id = o.node_id
    WHERE o.node_id <> $1 AND n.lease_until < $2
    LIMIT $3
    FOR UPDATE OF o SKIP LOCKED)
  UPDATE owners o SET node_id = $1 FROM orphaned WHERE o.uuid = orphaned.uuid
  RETURNING o.uuid, o.kind`;
