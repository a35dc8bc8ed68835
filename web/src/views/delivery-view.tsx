import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import type { Delivery, DeliveryDetail, DeliveryPolicy } from '../api/types.js';
import { KeyValues } from '../components/key-values.js';
import { useResource } from '../components/use-resource.js';
import { useSubscription } from '../components/use-subscription.js';
import type { LiveFeed } from '../feed/live-feed.js';
import { clockDateTime, duration, STATUS_LABELS } from '../format.js';
import { resourceLink } from '../resources.js';
import { AttemptView } from './attempt-view.js';
import { SignatureCheckForm } from './signature-check.js';
import { TableHead } from '../components/table-head.js';

function PolicyTable({ policy }: { policy: DeliveryPolicy }) {
  const rows: Array<[string, string, string]> = [
    ['ct', 'connect timeout', duration(policy.connectTimeoutMs)],
    ['rt', 'read timeout', duration(policy.readTimeoutMs)],
    ['tt', 'total timeout', duration(policy.totalTimeoutMs)],
    ['rc', 'retries', policy.retryDelaysMs.length === 0 ? 'none' : `${policy.retryDelaysMs.length}, after ${policy.retryDelaysMs.map(duration).join(', ')}`],
    ['rp', 'retry on', policy.retryOn.length === 0 ? 'nothing' : policy.retryOn.join(', ')],
  ];
  return (
    <table class="policy">
      <caption>
        Policy in force (profile <code>{policy.profile}</code>)
      </caption>
      <TableHead columns={['key', 'meaning', 'value', 'from']} />
      <tbody>
        {rows.map(([key, meaning, value]) => (
          <tr key={key}>
            <th scope="row">
              <code>{key}</code>
            </th>
            <td>{meaning}</td>
            <td>{value}</td>
            <td class={`source-${policy.sources[key as keyof DeliveryPolicy['sources']]}`}>{policy.sources[key as keyof DeliveryPolicy['sources']]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ReplayButton({ delivery, onReplayed }: { delivery: Delivery; onReplayed: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const replay = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/deliveries/${encodeURIComponent(delivery.id)}/replay`);
      onReplayed();
    } catch (failure) {
      setError(failure instanceof ApiError ? `${failure.message}: ${failure.fix}` : String(failure));
    } finally {
      setBusy(false);
    }
  };
  const unfinished = delivery.status === 'pending' || delivery.status === 'in-flight';
  return (
    <>
      <button type="button" class="primary" disabled={busy || unfinished} title={unfinished ? 'it is still being delivered' : undefined} onClick={() => void replay()}>
        Replay
      </button>
      {error && (
        <span class="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

function Summary({ delivery }: { delivery: Delivery }) {
  const link = resourceLink(delivery.resource);
  return (
    <KeyValues
      caption="Delivery"
      entries={[
        ['id', <code>{delivery.id}</code>],
        ['account', <code>{delivery.accountId}</code>],
        ['dialect', `${delivery.dialect} (${delivery.kind} callback)`],
        ['caused by', link ? <a href={link.href}>{link.label}</a> : (delivery.resource ?? 'a direct request')],
        ['created', clockDateTime(delivery.createdAt)],
        ['due', delivery.status === 'pending' ? clockDateTime(delivery.dueAt) : '—'],
        ['attempts', `${delivery.attemptCount} (${delivery.replayCount} replays)`],
      ]}
    />
  );
}

/** Everything about one delivery: what it is, the policy it runs under, and every attempt. */
export function DeliveryView({ id, feed }: { id: string; feed: LiveFeed }) {
  useSubscription(feed.store);
  const row = feed.store.row(id);
  // Re-read when the feed sees this delivery move, so a retry or replay shows up without a reload.
  const detail = useResource<DeliveryDetail>(`/deliveries/${encodeURIComponent(id)}`, [row?.delivery.updatedAt, row?.lastAttempt?.number]);

  if (detail.error) {
    return (
      <p class="error" role="alert">
        {detail.error.status === 404 ? `No delivery ${id}: it may have been pruned by retention.` : detail.error.message}
      </p>
    );
  }
  const delivery = detail.data;
  if (!delivery) return <p class="empty">Loading…</p>;
  return (
    <section class="delivery" aria-labelledby="delivery-title">
      <div class="title-row">
        <h1 id="delivery-title">
          <span class={`badge status-${delivery.status}`}>{STATUS_LABELS[delivery.status]}</span> {delivery.method}{' '}
          <span class="mono">{delivery.url}</span>
        </h1>
        <ReplayButton delivery={delivery} onReplayed={() => void detail.reload()} />
      </div>
      <div class="facts">
        <Summary delivery={delivery} />
        <PolicyTable policy={delivery.policy} />
      </div>
      {delivery.warnings.length > 0 && (
        <section aria-labelledby="warnings-title" class="warnings">
          <h2 id="warnings-title">Warnings</h2>
          <ul>
            {delivery.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </section>
      )}
      <KeyValues caption="Parameters sent" entries={Object.entries(delivery.params)} />
      {delivery.attempts.length === 0 ? (
        <p class="empty">No attempt yet{delivery.status === 'pending' ? `: due at ${clockDateTime(delivery.dueAt)}` : ''}.</p>
      ) : (
        <>
          <SignatureCheckForm deliveryId={delivery.id} attempts={delivery.attempts} />
          <ol class="attempts" reversed aria-label="Attempts, newest first">
            {[...delivery.attempts].reverse().map((attempt) => (
              <li key={attempt.number}>
                <AttemptView attempt={attempt} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
