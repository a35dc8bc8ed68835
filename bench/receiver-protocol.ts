/** Messages between the bench and its receiver child, over the fork IPC channel. */

export type ToReceiver =
  /** Forget everything seen so far; report `reached` once `distinct` delivery ids have arrived. */
  | { readonly type: 'expect'; readonly distinct: number; readonly recordArrivals: boolean }
  | { readonly type: 'stats' }
  /** Send back arrival times (shared clock, ms) by delivery id; only kept when `recordArrivals`. */
  | { readonly type: 'arrivals' }
  | { readonly type: 'stop' };

export type FromReceiver =
  | { readonly type: 'ready'; readonly port: number }
  /** `at`: shared-clock time the last new delivery id arrived. */
  | { readonly type: 'reached'; readonly at: number; readonly requests: number; readonly distinct: number }
  | { readonly type: 'stats'; readonly requests: number; readonly distinct: number }
  | { readonly type: 'arrivals'; readonly entries: ReadonlyArray<readonly [string, number]> };
