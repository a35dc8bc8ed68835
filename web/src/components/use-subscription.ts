import { useEffect, useReducer } from 'preact/hooks';

interface Subscribable {
  subscribe(listener: () => void): () => void;
}

/** Re-renders the calling component whenever `source` says it changed. */
export function useSubscription(source: Subscribable): void {
  const [, bump] = useReducer((n: number, _change: void) => n + 1, 0);
  useEffect(() => source.subscribe(() => bump()), [source]);
}
