import { useState } from 'preact/hooks';
import { query } from '../api/client.js';
import type { MessageList } from '../api/types.js';
import { InputField } from '../components/field.js';
import { usePolling } from '../components/use-polling.js';
import { useResource } from '../components/use-resource.js';
import { clockTime } from '../format.js';
import { href } from '../router.js';
import { TableHead } from '../components/table-head.js';

const PAGE = 50;

/** Plivo messages, newest first, read again every couple of seconds. */
export function MessageListView() {
  const [accountId, setAccountId] = useState('');
  const list = useResource<MessageList>(`/messages${query({ accountId: accountId.trim(), limit: PAGE })}`);
  usePolling(list.reload, 2000);
  return (
    <section aria-labelledby="messages-title">
      <h1 id="messages-title">Messages</h1>
      <form class="filters" role="search" aria-label="Filter messages" onSubmit={(e) => e.preventDefault()}>
        <InputField id="messages-account" type="search" label="Account" value={accountId} onInput={setAccountId} placeholder="MA…" />
      </form>
      {list.error && (
        <p class="error" role="alert">
          {list.error.message}
        </p>
      )}
      {list.data && list.data.messages.length === 0 && <p class="empty">No messages yet. Send one with the Plivo API (POST /v1/Account/{'{auth_id}'}/Message/).</p>}
      {list.data && list.data.messages.length > 0 && (
        <table class="messages">
          <caption>
            {list.data.total > list.data.messages.length ? `The newest ${list.data.messages.length} of ${list.data.total}` : `${list.data.total} messages`}
          </caption>
          <TableHead columns={['message', 'status', 'from → to', 'text', 'units', 'updated']} />
          <tbody>
            {list.data.messages.map((message) => (
              <tr key={message.uuid}>
                <td>
                  <a class="mono" href={href('messages', message.uuid)}>
                    {message.uuid}
                  </a>
                </td>
                <td class={`message-status message-${message.status}`}>{message.status}</td>
                <td class="mono">
                  {message.from} → {message.to}
                </td>
                <td class="clip">{message.text}</td>
                <td>{message.units}</td>
                <td>{clockTime(message.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
