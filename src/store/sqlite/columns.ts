import type { CallbackKind, CallbackParams, Dialect, HttpMethod } from '../../domain/callback.js';
import type { Attempt, Delivery, NewDelivery } from '../../domain/delivery.js';
import type { AttemptOutcome } from '../../domain/outcome.js';
import type { DeliveryPolicy } from '../../domain/policy.js';
import type { AttemptResult, ChangeSet, FinishedDelivery } from '../ports.js';
import { resourceStateJson } from '../rows.js';

/**
 * How the dispatcher's attempts cross to the SQLite thread: as flat tuples of their column values, the
 * JSON made on the thread that built the objects. A structured clone of an attempt (its request and
 * response headers as objects) was written key by key on one side, rebuilt object by object on the
 * other, and walked a third time there to make the JSON stored; profiled, the store's thread spent
 * more of its CPU on such work than in SQLite. The tuple crosses as its strings and is bound by
 * position (a named parameter is looked up on its object in C++ for every row).
 *
 * A resource's state crosses as its JSON, made on the main thread: a call's state with its timeline
 * was cloned key by key, rebuilt on the store's thread and walked there again to make the JSON, and
 * the hangup step, where every call writes its timeline, kept that thread busier than the main one
 * (docs/benchmarks.md, figure 7).
 *
 * New deliveries still cross as objects: made into JSON on the main thread instead, they cost it
 * more than they saved the store's (measured: docs/benchmarks.md). Claimed rows are read as arrays and
 * made into deliveries directly, without a row object in between.
 */

/** An attempt's columns, in `INSERT_ATTEMPT`'s order. */
export type AttemptColumns = readonly [
  deliveryId: string,
  number: number,
  startedAt: number,
  durationMs: number,
  requestMethod: string,
  requestUrl: string,
  requestHeaders: string,
  requestBody: string | null,
  responseStatus: number | null,
  responseHeaders: string | null,
  responseBody: string | null,
  bodyTruncated: 0 | 1 | null,
  outcome: string,
  nextAttemptAt: number | null,
];

/** An attempt and what happens to its delivery next (`AttemptResult`). */
export type RecordedAttempt = readonly [attempt: AttemptColumns, status: 'pending' | 'succeeded' | 'failed', dueAt: number | null];

/** A stored delivery's columns, in `DELIVERY_COLUMNS`' order, as the claim reads them. */
export type DeliveryColumns = readonly [
  seq: number,
  id: string,
  accountId: string,
  dialect: string,
  kind: string,
  url: string,
  method: string,
  params: string,
  policyId: number,
  warnings: string,
  resource: string | null,
  status: string,
  dueAt: number,
  attemptCount: number,
  roundAttempts: number,
  replayCount: number,
  lastOutcome: string | null,
  createdAt: number,
  updatedAt: number,
];

/** A resource write's columns, in `UPSERT_RESOURCE`'s order: its state as JSON text. */
export type ResourceColumns = readonly [type: string, id: string, accountId: string, state: string, updatedAt: number];

/** A change set as it crosses to the SQLite thread: its resources as columns. */
export interface ColumnChangeSet extends Omit<ChangeSet, 'resources'> {
  readonly resources?: readonly ResourceColumns[];
}

export interface ColumnFinishedDelivery {
  readonly delivery: NewDelivery;
  readonly status: 'succeeded' | 'failed';
  readonly attempts: readonly AttemptColumns[];
}

export function attemptColumns(attempt: Attempt): AttemptColumns {
  const { request, response } = attempt;
  return [
    attempt.deliveryId,
    attempt.number,
    attempt.startedAt,
    attempt.durationMs,
    request.method,
    request.url,
    JSON.stringify(request.headers),
    request.body,
    response === null ? null : response.status,
    response === null ? null : JSON.stringify(response.headers),
    response === null ? null : response.body,
    response === null ? null : response.bodyTruncated ? 1 : 0,
    JSON.stringify(attempt.outcome),
    attempt.nextAttemptAt,
  ];
}

export function columnChangeSet(changes: ChangeSet): ColumnChangeSet {
  const { resources, ...rest } = changes;
  if (!resources?.length) return rest;
  return Object.assign(rest, { resources: resources.map((r): ResourceColumns => [r.type, r.id, r.accountId, resourceStateJson(r), r.updatedAt]) });
}

export function recordedAttempts(results: readonly AttemptResult[]): RecordedAttempt[] {
  return results.map(({ attempt, next }) => [attemptColumns(attempt), next.status, next.status === 'pending' ? next.dueAt : null]);
}

export function columnFinishedDelivery(finished: FinishedDelivery): ColumnFinishedDelivery {
  return { delivery: finished.delivery, status: finished.status, attempts: finished.attempts.map(attemptColumns) };
}

/** A claimed row as the delivery it is: claimed, so in flight. */
export function claimedDelivery(row: DeliveryColumns, policy: DeliveryPolicy): Delivery {
  return {
    seq: row[0],
    id: row[1],
    accountId: row[2],
    dialect: row[3] as Dialect,
    kind: row[4] as CallbackKind,
    url: row[5],
    method: row[6] as HttpMethod,
    params: JSON.parse(row[7]) as CallbackParams,
    policy,
    warnings: JSON.parse(row[9]) as string[],
    resource: row[10],
    status: 'in-flight',
    dueAt: row[12],
    attemptCount: row[13],
    roundAttempts: row[14],
    replayCount: row[15],
    lastOutcome: row[16] === null ? null : (JSON.parse(row[16]) as AttemptOutcome),
    createdAt: row[17],
    updatedAt: row[18],
  };
}
