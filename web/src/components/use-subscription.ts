import { useLayoutEffect, useReducer } from 'preact/hooks';

interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/**
 * Re-renders the calling component whenever `source` says it changed. Subscribed in a layout effect,
 * which runs in the same task as the render: a plain effect waits for the next frame, and a change the
 * source made in that frame (the feed applies its batches there) would be missed until the next one,
 * leaving a quiet page showing the state it had before its first rows arrived.
 */
export function useSubscription(source: Subscribable): void {
  const [, bump] = useReducer((n: number, _change: void) => n + 1, 0);
  useLayoutEffect(() => source.subscribe(() => bump()), [source]);
}
