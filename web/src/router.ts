import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/deliveries/ID`): the server serves one page at `/` and never needs a fallback route
 * that could shadow the APIs on the same port.
 */
export interface Route {
  /** First path segment: `deliveries`, `messages`, `sinks`… ('' for the feed). */
  readonly section: string;
  /** The rest, decoded: an id or a name. */
  readonly id: string | null;
}

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [section = '', ...rest] = path.split('/');
  const id = rest.join('/');
  let decoded: string | null = null;
  try {
    decoded = id ? decodeURIComponent(id) : null;
  } catch {
    decoded = id; // Broken percent-encoding: shown as typed rather than crashing the page.
  }
  return { section, id: decoded };
}

export function href(section: string, id?: string): string {
  return id === undefined ? `#/${section}` : `#/${section}/${encodeURIComponent(id)}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
