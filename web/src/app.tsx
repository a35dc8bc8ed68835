import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, onUnauthorized } from './api/client.js';
import { controlToken } from './api/token.js';
import { ClockBar } from './components/clock-bar.js';
import { TokenPrompt } from './components/token-prompt.js';
import { FeedView } from './feed/feed-view.js';
import { LiveFeed } from './feed/live-feed.js';
import { href, useRoute, type Route } from './router.js';
import { CallListView } from './views/call-list.js';
import { CallView } from './views/call-view.js';
import { DeliveryView } from './views/delivery-view.js';
import { MessageListView } from './views/message-list.js';
import { MessageView } from './views/message-view.js';
import { SendView } from './views/send-view.js';
import { SinkPicker, SinkView } from './views/sinks-view.js';

type Access = 'checking' | 'granted' | 'needs-token' | 'token-refused' | 'unreachable';

interface Section {
  /** The hash path's first segment. */
  readonly path: string;
  /** In the navigation when set. */
  readonly label?: string;
  readonly render: (route: Route, feed: LiveFeed) => ComponentChildren;
}

/**
 * Every view of the inspector. A new kind of resource (calls, say) is one more entry here and its
 * own view module; the feed and the shell need not change.
 */
const SECTIONS: readonly Section[] = [
  { path: '', label: 'Live feed', render: (_route, feed) => <FeedView feed={feed} /> },
  { path: 'deliveries', render: (route, feed) => (route.id ? <DeliveryView key={route.id} id={route.id} feed={feed} /> : <FeedView feed={feed} />) },
  { path: 'calls', label: 'Calls', render: (route, feed) => (route.id ? <CallView key={route.id} uuid={route.id} feed={feed} /> : <CallListView feed={feed} />) },
  { path: 'messages', label: 'Messages', render: (route) => (route.id ? <MessageView key={route.id} uuid={route.id} /> : <MessageListView />) },
  { path: 'send', label: 'Send', render: () => <SendView /> },
  { path: 'sinks', label: 'Sinks', render: (route) => (route.id ? <SinkView key={route.id} name={route.id} /> : <SinkPicker />) },
];

function sectionOf(route: Route): Section | undefined {
  return SECTIONS.find((section) => section.path === route.section);
}

export function App() {
  const route = useRoute();
  const feed = useMemo(() => new LiveFeed(), []);
  const [access, setAccess] = useState<Access>('checking');
  const [unreachable, setUnreachable] = useState<string | null>(null);

  const check = useCallback(async () => {
    // The stream opens while the health check is in flight rather than after it: one round trip less
    // before the first rows. Refused for want of a token, it closes and the check below asks for one.
    feed.restart();
    try {
      await api('GET', '/health');
      setAccess('granted');
    } catch (error) {
      if (error instanceof ApiError && error.unauthorized) {
        feed.stop();
        setAccess(controlToken() === null ? 'needs-token' : 'token-refused');
      } else {
        feed.stop();
        setUnreachable(error instanceof Error ? error.message : String(error));
        setAccess('unreachable');
      }
    }
  }, [feed]);

  useEffect(() => {
    void check();
    const off = onUnauthorized(() => {
      feed.stop();
      setAccess(controlToken() === null ? 'needs-token' : 'token-refused');
    });
    return () => {
      off();
      feed.stop();
    };
  }, [check, feed]);

  const section = sectionOf(route);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <a class="brand" href={href('')}>
          hookline <span>inspector</span>
        </a>
        <nav aria-label="Sections">
          <ul>
            {SECTIONS.filter((s) => s.label).map((s) => (
              <li key={s.path}>
                <a href={href(s.path)} aria-current={s.path === route.section ? 'page' : undefined}>
                  {s.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <ClockBar enabled={access === 'granted'} />
      </header>
      <main id="main" tabIndex={-1}>
        {access === 'checking' && <p class="empty">Connecting to hookline…</p>}
        {(access === 'needs-token' || access === 'token-refused') && <TokenPrompt rejected={access === 'token-refused'} onSaved={() => void check()} />}
        {access === 'unreachable' && (
          <p class="error" role="alert">
            hookline did not answer: {unreachable}.{' '}
            <button type="button" onClick={() => void check()}>
              Try again
            </button>
          </p>
        )}
        {access === 'granted' &&
          (section ? (
            section.render(route, feed)
          ) : (
            <p class="empty">
              Nothing lives at this address. <a href={href('')}>Back to the live feed</a>.
            </p>
          ))}
      </main>
    </>
  );
}
