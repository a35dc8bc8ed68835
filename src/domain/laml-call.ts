import type { UrlTarget } from './instructions.js';

/**
 * What a LaML call carries beyond the call record both dialects share (laml.md §1.2, §3.3). Pure.
 */

/** The events a `StatusCallback` may ask for (laml.md §3.3); `completed` alone by default. */
export type LamlStatusEvent = 'initiated' | 'ringing' | 'answered' | 'completed';
export const LAML_STATUS_EVENTS: readonly LamlStatusEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

export interface LamlCallSettings {
  readonly statusCallback: UrlTarget | null;
  readonly statusCallbackEvents: readonly LamlStatusEvent[];
  /** The `SequenceNumber` of the next status callback: 0 for the first (laml.md §3.3). */
  readonly nextSequenceNumber: number;
  /** `ApiVersion` on every request: the REST version that made the call. */
  readonly apiVersion: string;
}
