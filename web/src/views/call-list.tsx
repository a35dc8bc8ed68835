import { useState } from 'preact/hooks';
import { query } from '../api/client.js';
import { LIVE_CALL_STATUSES, type CallList, type CallStatus } from '../api/types.js';
import { InputField } from '../components/field.js';
import { TableHead } from '../components/table-head.js';
import { useCallEvents } from '../components/use-call-events.js';
import { usePolling } from '../components/use-polling.js';
import { useResource } from '../components/use-resource.js';
import type { LiveFeed } from '../feed/live-feed.js';
import { clockTime } from '../format.js';
import { href } from '../router.js';

const PAGE = 50;
const STATUSES: readonly CallStatus[] = ['queued', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'timeout', 'no-answer', 'cancel'];

export function callStatusClass(status: CallStatus): string {
  if (LIVE_CALL_STATUSES.includes(status)) return 'call-live';
  return status === 'completed' ? 'call-completed' : 'call-unconnected';
}

/** Calls of every account, newest first; re-read as their steps arrive on the event stream. */
export function CallListView({ feed }: { feed: LiveFeed }) {
  const [accountId, setAccountId] = useState('');
  const [status, setStatus] = useState('');
  const list = useResource<CallList>(`/calls${query({ accountId: accountId.trim(), status, limit: PAGE })}`);
  useCallEvents(feed, () => true, () => void list.reload());
  // The stream carries every step; the timer only covers a stream that is down or reconnecting.
  usePolling(list.reload, 5000);
  return (
    <section aria-labelledby="calls-title">
      <h1 id="calls-title">Calls</h1>
      <form class="filters" role="search" aria-label="Filter calls" onSubmit={(e) => e.preventDefault()}>
        <InputField id="calls-account" type="search" label="Account" value={accountId} onInput={setAccountId} placeholder="MA…" />
        <div class="field">
          <label for="calls-status">Status</label>
          <select id="calls-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      </form>
      {list.error && (
        <p class="error" role="alert">
          {list.error.message}
        </p>
      )}
      {list.data && list.data.calls.length === 0 && <p class="empty">No calls yet. Make one with the Plivo API (POST /v1/Account/{'{auth_id}'}/Call/) or the send panel.</p>}
      {list.data && list.data.calls.length > 0 && (
        <table class="calls">
          <caption>{list.data.total > list.data.calls.length ? `The newest ${list.data.calls.length} of ${list.data.total}` : `${list.data.total} calls`}</caption>
          <TableHead columns={['call', 'status', 'direction', 'from → to', 'started', 'hangup']} />
          <tbody>
            {list.data.calls.map((call) => (
              <tr key={call.uuid} data-call-status={call.status}>
                <td>
                  <a class="mono" href={href('calls', call.uuid)}>
                    {call.uuid}
                  </a>
                  {call.parentCallUuid && <span class="notice"> · B leg</span>}
                </td>
                <td class={callStatusClass(call.status)}>{call.status}</td>
                <td>{call.direction}</td>
                <td class="mono">
                  {call.from} → {call.to}
                </td>
                <td>{clockTime(call.initiatedAt)}</td>
                <td>{call.hangupCause ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
