import { useEffect } from 'preact/hooks';

/**
 * Calls `read` every `intervalMs` while the page is visible. For resources the event stream does not
 * carry (messages, sink requests, the clock).
 */
export function usePolling(read: () => unknown, intervalMs: number): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void read();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [read, intervalMs]);
}
