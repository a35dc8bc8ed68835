import type { CallbackKind, CallbackParams, Dialect, HttpMethod } from '../domain/callback.js';
import type { Attempt, Delivery, DeliveryStatus, NewDelivery } from '../domain/delivery.js';
import type { AttemptOutcome } from '../domain/outcome.js';
import type { DeliveryPolicy } from '../domain/policy.js';
import type { Account, ResourceWrite, SinkConfig, SinkRequest, StoredResource } from './ports.js';

/**
 * Rows as both stores read them (the same column names in SQLite and PostgreSQL), and the conversions
 * to and from the domain types. JSON columns are text in both and parsed here and nowhere else. Flags
 * are 0/1 integers in SQLite and booleans in PostgreSQL. The casts on the way out trust what the store
 * wrote on the way in: every row was made from a typed domain value.
 */

/** A flag column: SQLite's 0/1, PostgreSQL's boolean. */
type FlagColumn = number | boolean;

export interface AccountRow {
  id: string;
  auth_token: string;
  laml_project_id: string;
  signing_key: string;
  parent_id: string | null;
  name: string;
  created_at: number;
  enabled: FlagColumn;
}

export interface ResourceRow {
  type: string;
  id: string;
  account_id: string;
  state: string;
  updated_at: number;
}

export interface DeliveryRow {
  seq: number;
  id: string;
  account_id: string;
  dialect: string;
  kind: string;
  url: string;
  method: string;
  params: string;
  /** Into the `policies` table (migration 2). */
  policy_id: number;
  warnings: string;
  resource: string | null;
  status: string;
  due_at: number;
  attempt_count: number;
  round_attempts: number;
  replay_count: number;
  last_outcome: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptRow {
  delivery_id: string;
  number: number;
  started_at: number;
  duration_ms: number;
  request_method: string;
  request_url: string;
  request_headers: string;
  request_body: string | null;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  body_truncated: FlagColumn | null;
  outcome: string;
  next_attempt_at: number | null;
}

export interface SinkRow {
  status: number;
  delay_ms: number;
  body: string;
  headers: string;
}

export interface SinkRequestRow {
  seq: number;
  sink: string;
  method: string;
  path: string;
  query: string;
  headers: string;
  body: string;
  received_at: number;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    authToken: row.auth_token,
    lamlProjectId: row.laml_project_id,
    signingKey: row.signing_key,
    parentId: row.parent_id,
    name: row.name,
    createdAt: row.created_at,
    enabled: flag(row.enabled),
  };
}

/** A resource's `state` column: a state left undefined is stored as JSON null. */
export function resourceStateJson(resource: ResourceWrite): string {
  return JSON.stringify(resource.state ?? null);
}

export function toResource(row: ResourceRow): StoredResource {
  return { type: row.type, id: row.id, accountId: row.account_id, state: JSON.parse(row.state) as unknown, updatedAt: row.updated_at };
}

/** `policy` is the row's `policy_id` looked up in the policies table. */
export function toDelivery(row: DeliveryRow, policy: DeliveryPolicy): Delivery {
  return {
    seq: row.seq,
    id: row.id,
    accountId: row.account_id,
    dialect: row.dialect as Dialect,
    kind: row.kind as CallbackKind,
    url: row.url,
    method: row.method as HttpMethod,
    params: JSON.parse(row.params) as CallbackParams,
    policy,
    warnings: JSON.parse(row.warnings) as string[],
    resource: row.resource,
    status: row.status as DeliveryStatus,
    dueAt: row.due_at,
    attemptCount: row.attempt_count,
    roundAttempts: row.round_attempts,
    replayCount: row.replay_count,
    lastOutcome: row.last_outcome === null ? null : (JSON.parse(row.last_outcome) as AttemptOutcome),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
    deliveryId: row.delivery_id,
    number: row.number,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    request: {
      method: row.request_method as HttpMethod,
      url: row.request_url,
      headers: JSON.parse(row.request_headers) as Record<string, string>,
      body: row.request_body,
    },
    response:
      row.response_status === null
        ? null
        : {
            status: row.response_status,
            headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
            body: row.response_body ?? '',
            bodyTruncated: flag(row.body_truncated),
          },
    outcome: JSON.parse(row.outcome) as AttemptOutcome,
    nextAttemptAt: row.next_attempt_at,
  };
}

export function toSinkConfig(row: SinkRow): SinkConfig {
  return { status: row.status, delayMs: row.delay_ms, body: row.body, headers: JSON.parse(row.headers) as Record<string, string> };
}

export function toSinkRequest(row: SinkRequestRow): SinkRequest & { seq: number } {
  return {
    seq: row.seq,
    sink: row.sink,
    method: row.method,
    path: row.path,
    query: row.query,
    headers: JSON.parse(row.headers) as Record<string, string>,
    body: row.body,
    receivedAt: row.received_at,
  };
}

/** Parameters for INSERT_DELIVERY: a new outbox entry, or a finished document fetch. */
export function deliveryParams(
  delivery: NewDelivery,
  policyId: number,
  state: {
    status: DeliveryStatus;
    attemptCount: number;
    lastOutcome: AttemptOutcome | null;
    updatedAt: number;
    lease?: { readonly owner: string; readonly leaseUntil: number } | undefined;
  },
): Record<string, string | number | null> {
  return {
    id: delivery.id,
    accountId: delivery.accountId,
    dialect: delivery.dialect,
    kind: delivery.kind,
    url: delivery.url,
    method: delivery.method,
    params: JSON.stringify(delivery.params),
    policyId,
    warnings: JSON.stringify(delivery.warnings),
    resource: delivery.resource,
    status: state.status,
    dueAt: delivery.dueAt,
    attemptCount: state.attemptCount,
    roundAttempts: state.attemptCount,
    lastOutcome: state.lastOutcome === null ? null : JSON.stringify(state.lastOutcome),
    leaseOwner: state.lease?.owner ?? null,
    leaseUntil: state.lease?.leaseUntil ?? null,
    createdAt: delivery.createdAt,
    updatedAt: state.updatedAt,
  };
}

export function attemptParams(attempt: Attempt): Record<string, string | number | null> {
  const { request, response } = attempt;
  return {
    deliveryId: attempt.deliveryId,
    number: attempt.number,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    requestMethod: request.method,
    requestUrl: request.url,
    requestHeaders: JSON.stringify(request.headers),
    requestBody: request.body,
    responseStatus: response?.status ?? null,
    responseHeaders: response ? JSON.stringify(response.headers) : null,
    responseBody: response?.body ?? null,
    bodyTruncated: response ? (response.bodyTruncated ? 1 : 0) : null,
    outcome: JSON.stringify(attempt.outcome),
    nextAttemptAt: attempt.nextAttemptAt,
  };
}

function flag(value: FlagColumn | null): boolean {
  return value === true || value === 1;
}
