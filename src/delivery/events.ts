import { EventEmitter } from 'node:events';
import type { CallEvent } from '../domain/call-event.js';
import type { Attempt, Delivery } from '../domain/delivery.js';

/** What the event stream (`GET /hookline/v1/events`), the inspector and `hookline tail` see. */
export type DeliveryEvent =
  | { readonly type: 'delivery'; readonly delivery: Delivery }
  | { readonly type: 'attempt'; readonly accountId: string; readonly attempt: Attempt }
  /** A step on a call's timeline. */
  | { readonly type: 'call'; readonly accountId: string; readonly callUuid: string; readonly event: CallEvent };

/**
 * In-process fan-out of delivery events. Listeners must be cheap: they run on the dispatcher's path.
 * A slow consumer (an SSE client) buffers on its own side.
 */
export class DeliveryEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open SSE connection is a listener; the default limit of 10 is a leak warning, not a cap.
    this.emitter.setMaxListeners(0);
  }

  publish(event: DeliveryEvent): void {
    if (this.emitter.listenerCount('event') > 0) this.emitter.emit('event', event);
  }

  subscribe(listener: (event: DeliveryEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  get listenerCount(): number {
    return this.emitter.listenerCount('event');
  }
}
