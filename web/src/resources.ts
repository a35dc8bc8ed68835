import { href } from './router.js';

/**
 * Where a delivery's cause (`type:id`) is shown. Each kind of resource with a view of its own is
 * listed here; others are shown as text.
 */
const RESOURCE_VIEWS: Readonly<Record<string, { section: string; noun: string }>> = {
  message: { section: 'messages', noun: 'message' },
  call: { section: 'calls', noun: 'call' },
};

export function resourceLink(resource: string | null): { href: string; label: string } | null {
  if (resource === null) return null;
  const colon = resource.indexOf(':');
  if (colon === -1) return null;
  const view = RESOURCE_VIEWS[resource.slice(0, colon)];
  const id = resource.slice(colon + 1);
  return view ? { href: href(view.section, id), label: `${view.noun} ${id}` } : null;
}
