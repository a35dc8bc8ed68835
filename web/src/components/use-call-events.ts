import { useEffect, useRef } from 'preact/hooks';
import type { CallStreamEvent } from '../api/types.js';
import type { LiveFeed } from '../feed/live-feed.js';

/**
 * Calls `onChange` at most once per animation frame after `call` events that `matches` accepts: a
 * call's burst of steps (document, element, callback…) costs one re-read, not one each.
 */
export function useCallEvents(feed: LiveFeed, matches: (event: CallStreamEvent) => boolean, onChange: () => void): void {
  const latest = useRef({ matches, onChange });
  latest.current = { matches, onChange };
  useEffect(() => {
    let frame: number | null = null;
    const off = feed.onCallEvent((event) => {
      if (frame !== null || !latest.current.matches(event)) return;
      frame = requestAnimationFrame(() => {
        frame = null;
        latest.current.onChange();
      });
    });
    return () => {
      off();
      if (frame !== null) cancelAnimationFrame(frame);
    };
  }, [feed]);
}
