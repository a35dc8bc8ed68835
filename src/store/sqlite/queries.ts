/**
 * Every statement the embedded store runs, in one place so the SQL can be read (and its query plans
 * checked by the tests) without reading the code around it. Named parameters are `@name`.
 */

const DELIVERY_COLUMNS = `
  seq, id, account_id, dialect, kind, url, method, params, policy_id, warnings, resource, status, due_at,
  attempt_count, round_attempts, replay_count, last_outcome, created_at, updated_at`;

const ATTEMPT_COLUMNS = `
  delivery_id, number, started_at, duration_ms, request_method, request_url, request_headers, request_body,
  response_status, response_headers, response_body, body_truncated, outcome, next_attempt_at`;

export const UPSERT_ACCOUNT = `
  INSERT INTO accounts (id, auth_token, laml_project_id, signing_key, parent_id, name, created_at, enabled)
  VALUES (@id, @authToken, @lamlProjectId, @signingKey, @parentId, @name, @createdAt, @enabled)
  ON CONFLICT (id) DO UPDATE SET
    auth_token = excluded.auth_token, laml_project_id = excluded.laml_project_id, signing_key = excluded.signing_key,
    parent_id = excluded.parent_id,
    name = excluded.name, created_at = excluded.created_at, enabled = excluded.enabled`;
export const SELECT_ACCOUNT = `SELECT id, auth_token, laml_project_id, signing_key, parent_id, name, created_at, enabled FROM accounts WHERE id = ?`;
export const SELECT_ACCOUNTS = `SELECT id, auth_token, laml_project_id, signing_key, parent_id, name, created_at, enabled FROM accounts ORDER BY created_at, rowid`;
export const DELETE_ACCOUNT = `DELETE FROM accounts WHERE id = ?`;

export const UPSERT_RESOURCE = `
  INSERT INTO resources (type, id, account_id, state, updated_at)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (type, id) DO UPDATE SET
    account_id = excluded.account_id, state = excluded.state, updated_at = excluded.updated_at`;
export const SELECT_RESOURCE = `SELECT type, id, account_id, state, updated_at FROM resources WHERE type = ? AND id = ?`;
export const DELETE_RESOURCE = `DELETE FROM resources WHERE type = ? AND id = ?`;

/**
 * Newest first by rowid (an upsert keeps a row's rowid, so this is the order of first writes). State
 * fields are matched with json_extract; `fields` are checked names, never user text in the SQL.
 */
export function listResources(shape: { account: boolean; fields: readonly string[]; prefixes: readonly string[]; present: readonly string[] }): { rows: string; count: string } {
  const where = ['type = @type'];
  if (shape.account) where.push('account_id = @accountId');
  shape.fields.forEach((field, i) => where.push(`json_extract(state, '$.${field}') = @f${i}`));
  shape.prefixes.forEach((field, i) => where.push(`json_extract(state, '$.${field}') LIKE @p${i} ESCAPE '\\'`));
  for (const field of shape.present) where.push(`json_extract(state, '$.${field}') IS NOT NULL`);
  const clause = where.join(' AND ');
  return {
    rows: `SELECT type, id, account_id, state, updated_at FROM resources WHERE ${clause} ORDER BY rowid DESC LIMIT @limit OFFSET @offset`,
    count: `SELECT count(*) AS total FROM resources WHERE ${clause}`,
  };
}

/** Bound by position (columns.ts), in this order. */
export const INSERT_DELIVERY = `
  INSERT INTO deliveries (
    id, account_id, dialect, kind, url, method, params, policy_id, warnings, resource, status, due_at,
    attempt_count, round_attempts, last_outcome, lease_owner, lease_until, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The due pending rows in due order, with their due times, read off the (status, due_at) index alone
 * (the seq is the rowid, in every index entry). Claimed rows are pending too (their claim is held in
 * memory: leases.ts), so the caller asks for as many more as there are claims and skips those.
 */
export const DUE_IN_ORDER = `
  SELECT seq, due_at FROM deliveries
  WHERE status = 'pending' AND due_at <= @now
  ORDER BY due_at, seq
  LIMIT @limit`;

/**
 * The pending rows due after `@after`, in due order, with their due times: read one by one until one
 * is not claimed, for the next due time.
 */
export const PENDING_IN_DUE_ORDER = `
  SELECT seq, due_at FROM deliveries
  WHERE status = 'pending' AND due_at > @after
  ORDER BY due_at, seq`;

/** Rows by seq, `@seqs` a JSON array. The order is not defined: callers sort. */
export const DELIVERIES_BY_SEQ = `
  SELECT ${DELIVERY_COLUMNS} FROM deliveries
  WHERE seq IN (SELECT value FROM json_each(@seqs))`;

/** How many of the claimed rows (`@seqs`, a JSON array) are still there and pending. */
export const COUNT_CLAIMED = `
  SELECT count(*) AS count FROM deliveries
  WHERE seq IN (SELECT value FROM json_each(@seqs)) AND status = 'pending'`;

/** A claim given up: the row is due again at `@dueAt`. */
export const REQUEUE = `UPDATE deliveries SET due_at = @dueAt WHERE seq = @seq AND status = 'pending'`;

/** Bound by position: an `AttemptColumns` tuple (columns.ts). */
export const INSERT_ATTEMPT = `
  INSERT INTO attempts (${ATTEMPT_COLUMNS})
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * Moves a delivery on after an attempt; the caller has checked that the attempt's dispatcher held it.
 * Bound by position: status, due time (null keeps it), last outcome, updated at, seq.
 */
export const FINISH_ATTEMPT = `
  UPDATE deliveries
  SET status = ?, due_at = coalesce(?, due_at),
      attempt_count = attempt_count + 1, round_attempts = round_attempts + 1,
      last_outcome = ?, updated_at = ?
  WHERE seq = ? AND status = 'pending'`;

export const NEXT_DUE_AT = `SELECT min(due_at) AS due_at FROM deliveries WHERE status = 'pending'`;

/**
 * Rows written `in-flight` by a version that kept claims in the rows: released at start like any
 * claim a dead process left (releaseAllLeases).
 */
export const RELEASE_ROW_LEASES = `
  UPDATE deliveries
  SET status = 'pending', due_at = @dueAt, lease_owner = NULL, lease_until = NULL
  WHERE status = 'in-flight'`;

/** A fresh retry round: the schedule starts over, the attempt numbers carry on. */
export const REPLAY_FINISHED = `
  UPDATE deliveries
  SET status = 'pending', due_at = @dueAt, round_attempts = 0, replay_count = replay_count + 1, updated_at = @now
  WHERE id = @id AND status IN ('succeeded', 'failed')
  RETURNING ${DELIVERY_COLUMNS}`;

export const SELECT_DELIVERY = `SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = ?`;

export const SELECT_ATTEMPTS = `SELECT ${ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = ? ORDER BY number, seq`;

export const COUNT_BY_STATUS = `SELECT status, count(*) AS count FROM deliveries GROUP BY status`;

export interface DeliveryListShape {
  readonly accountId: boolean;
  /** `claimed`: in flight; `unclaimed`: pending and not in flight; `plain`: any other status. */
  readonly status: false | 'plain' | 'claimed' | 'unclaimed';
  readonly url: boolean;
  readonly resource: boolean;
  readonly after: boolean;
}

/**
 * Newest first by seq. The URL filter is a substring match: `%`, `_` and `\` in the user's text are
 * escaped so they match themselves. Like all LIKE in SQLite it ignores ASCII case.
 */
export function listDeliveries(shape: DeliveryListShape): string {
  const where: string[] = [];
  if (shape.accountId) where.push('account_id = @accountId');
  // Unary + keeps SQLite off the (status, due_at) index here: with it, listing a large status would
  // sort every row of that status by seq; without it, the newest-first scan stops at the page limit.
  if (shape.status === 'plain') where.push('+status = @status');
  // Claimed rows are pending in the table; the claims are in memory (leases.ts) and come as @claimed.
  if (shape.status === 'claimed') where.push(`+status = 'pending' AND seq IN (SELECT value FROM json_each(@claimed))`);
  if (shape.status === 'unclaimed') where.push(`+status = 'pending' AND seq NOT IN (SELECT value FROM json_each(@claimed))`);
  if (shape.url) where.push(`url LIKE '%' || @url || '%' ESCAPE '\\'`);
  if (shape.resource) where.push('resource = @resource');
  if (shape.after) where.push('seq < @after');
  return `
    SELECT ${DELIVERY_COLUMNS} FROM deliveries
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY seq DESC
    LIMIT @limit`;
}

export const UPSERT_SINK = `
  INSERT INTO sinks (name, status, delay_ms, body, headers)
  VALUES (@name, @status, @delayMs, @body, @headers)
  ON CONFLICT (name) DO UPDATE SET
    status = excluded.status, delay_ms = excluded.delay_ms, body = excluded.body, headers = excluded.headers`;
export const SELECT_SINK = `SELECT status, delay_ms, body, headers FROM sinks WHERE name = ?`;

export const INSERT_SINK_REQUEST = `
  INSERT INTO sink_requests (sink, method, path, query, headers, body, received_at)
  VALUES (@sink, @method, @path, @query, @headers, @body, @receivedAt)`;
/** Oldest first, so requests read in arrival order. */
export const SELECT_SINK_REQUESTS = `
  SELECT seq, sink, method, path, query, headers, body, received_at FROM sink_requests
  WHERE sink = @sink AND seq > @after
  ORDER BY seq
  LIMIT @limit`;

export const SELECT_META = `SELECT value FROM meta WHERE key = ?`;
export const UPSERT_META = `
  INSERT INTO meta (key, value) VALUES (?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value`;

/**
 * Named index: without statistics the planner would walk every finished row of the status index. The
 * predicate repeats the partial index's, which INDEXED BY requires (the statement fails to prepare
 * otherwise, so a schema change cannot silently lose it).
 */
export const SELECT_PRUNABLE_DELIVERIES = `
  SELECT seq, id FROM deliveries INDEXED BY deliveries_finished_by_age
  WHERE status IN ('succeeded', 'failed') AND updated_at < @before
  LIMIT @limit`;
export const DELETE_ATTEMPTS_OF = `DELETE FROM attempts WHERE delivery_id = ?`;
export const DELETE_DELIVERY = `DELETE FROM deliveries WHERE seq = ?`;
export const DELETE_OLD_SINK_REQUESTS = `
  DELETE FROM sink_requests
  WHERE seq IN (SELECT seq FROM sink_requests WHERE received_at < @before LIMIT @limit)`;
