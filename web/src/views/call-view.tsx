import { query } from '../api/client.js';
import { LIVE_CALL_STATUSES, type CallTimeline as Timeline, type DeliveryPage } from '../api/types.js';
import { KeyValues } from '../components/key-values.js';
import { TableHead } from '../components/table-head.js';
import { useCallEvents } from '../components/use-call-events.js';
import { usePolling } from '../components/use-polling.js';
import { useResource } from '../components/use-resource.js';
import type { LiveFeed } from '../feed/live-feed.js';
import { clockDateTime, duration, outcomeLabel, STATUS_LABELS } from '../format.js';
import { href } from '../router.js';
import { CallControls } from './call-controls.js';
import { callStatusClass } from './call-list.js';
import { CallTimeline } from './call-timeline.js';

/** Every request hookline made for the call (documents and callbacks), with what each answered. */
function CallRequests({ page }: { page: DeliveryPage | null }) {
  if (!page) return null;
  if (page.deliveries.length === 0) return <p class="notice">No requests to the app yet.</p>;
  return (
    <table>
      <caption>Requests to the app, newest first</caption>
      <TableHead columns={['Event', 'URL', 'delivery', 'response', 'attempts', 'created']} />
      <tbody>
        {page.deliveries.map((delivery) => (
          <tr key={delivery.id}>
            <td>{delivery.params.Event ?? (delivery.kind === 'document' ? 'document' : '—')}</td>
            <td class="mono clip" title={delivery.url}>
              {delivery.method} {delivery.url.split('#')[0]}
            </td>
            <td>
              <a href={href('deliveries', delivery.id)} class={`badge status-${delivery.status}`}>
                {STATUS_LABELS[delivery.status]}
              </a>
            </td>
            <td>{outcomeLabel(delivery.lastOutcome)}</td>
            <td>{delivery.attemptCount}</td>
            <td>{clockDateTime(delivery.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One call: what it is, its timeline, the far end's controls while it lives, and its requests. */
export function CallView({ uuid, feed }: { uuid: string; feed: LiveFeed }) {
  const timeline = useResource<Timeline>(`/calls/${encodeURIComponent(uuid)}/timeline`);
  const requests = useResource<DeliveryPage>(`/deliveries${query({ resource: `call:${uuid}`, limit: 200 })}`);
  const reload = (): void => {
    void timeline.reload();
    void requests.reload();
  };
  useCallEvents(feed, (event) => event.callUuid === uuid, reload);
  // Covers a stream that is down; each step normally arrives as an event.
  usePolling(timeline.reload, 3000);
  usePolling(requests.reload, 3000);

  if (timeline.error) {
    return (
      <p class="error" role="alert">
        {timeline.error.status === 404 ? `No call ${uuid}.` : timeline.error.message}
      </p>
    );
  }
  if (!timeline.data) return <p class="empty">Loading…</p>;
  const { call, events } = timeline.data;
  const live = LIVE_CALL_STATUSES.includes(call.status);
  const talked = call.answeredAt !== null && call.endedAt !== null ? duration(call.endedAt - call.answeredAt) : null;
  return (
    <section aria-labelledby="call-title">
      <h1 id="call-title">
        <span class={`badge ${callStatusClass(call.status)}`} data-testid="call-status">
          {call.status}
        </span>{' '}
        Call <span class="mono">{call.uuid}</span>
      </h1>
      <div class="facts">
        <KeyValues
          caption="Call"
          entries={[
            ['account', call.accountId],
            ['direction', call.direction],
            ['from', call.from],
            ['to', call.to],
            ['started', clockDateTime(call.initiatedAt)],
            ['answered', call.answeredAt === null ? '—' : clockDateTime(call.answeredAt)],
            ['ended', call.endedAt === null ? '—' : clockDateTime(call.endedAt)],
            ['talk time', talked ?? '—'],
            ['hangup cause', <span data-testid="call-hangup-cause">{call.hangupCause ?? '—'}</span>],
            ['A leg', call.parentCallUuid ? <a href={href('calls', call.parentCallUuid)}>{call.parentCallUuid}</a> : '—'],
          ]}
        />
        <div>
          <h2>Timeline</h2>
          <CallTimeline events={events} />
        </div>
      </div>
      {live ? <CallControls call={call} onActed={reload} /> : <p class="notice">The call has ended; the far end can do nothing more.</p>}
      <CallRequests page={requests.data} />
    </section>
  );
}
