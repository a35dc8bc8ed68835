import type { CallbackParams, Dialect, HttpMethod } from '../domain/callback.js';
import type { Delivery } from '../domain/delivery.js';
import type { PolicyProfile } from '../domain/policy.js';
import type { ResourceWrite } from '../store/ports.js';

/** A notification callback as a producer (the control API, a front door) asks for it. */
export interface EnqueueRequest {
  /** The URL as given, with its policy fragment if any. Must be http(s). */
  readonly url: string;
  readonly method: HttpMethod;
  readonly params: CallbackParams;
  readonly dialect: Dialect;
  /** Defaults to the dev (first) account. */
  readonly accountId?: string;
  /** Defaults to the dialect's status-callback profile (plivo-messaging, laml-status, standard). */
  readonly profile?: PolicyProfile;
  /** `type:id` of the causing resource. */
  readonly resource?: string | null;
}

/** The durable notification path, as the API and the engines see it. */
export interface CallbackService {
  /** Validate, resolve the policy, store in the outbox and wake the dispatcher. Throws InputError. */
  enqueue(request: EnqueueRequest): Promise<Delivery>;
  /** Same, many at once in one transaction. */
  enqueueMany(requests: readonly EnqueueRequest[]): Promise<Delivery[]>;
  /**
   * A producer's state change and the callbacks it causes, in one transaction (the transactional
   * outbox): both are stored or neither is.
   */
  commitChange(change: { readonly resources?: readonly ResourceWrite[]; readonly callbacks: readonly EnqueueRequest[] }): Promise<Delivery[]>;
  /** Send a delivery again under its stable id; null if unknown. */
  replay(id: string): Promise<Delivery | null>;
}
