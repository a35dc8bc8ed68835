import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import type { Delivery, MessageDetail, PlivoMessage, SmsSegments } from '../api/types.js';
import { errorFor, InputField } from '../components/field.js';
import { KeyValues } from '../components/key-values.js';
import { usePolling } from '../components/use-polling.js';
import { useResource } from '../components/use-resource.js';
import { clockDateTime, outcomeLabel, STATUS_LABELS } from '../format.js';
import { href } from '../router.js';
import { TableHead } from '../components/table-head.js';

type FarEndStatus = 'sent' | 'delivered' | 'undelivered' | 'failed';

const FINAL = new Set(['delivered', 'undelivered', 'failed']);

interface TimelineStep {
  readonly status: string;
  readonly at: number | null;
  readonly note?: string;
}

/** What has happened to the message, and what the far end will do next. */
function timelineOf(message: PlivoMessage): TimelineStep[] {
  const steps: TimelineStep[] = [{ status: message.direction === 'inbound' ? 'received' : 'queued', at: message.queuedAt }];
  if (message.sentAt !== null) steps.push({ status: 'sent', at: message.sentAt });
  if (FINAL.has(message.status)) {
    steps.push({ status: message.status, at: message.reportedAt ?? message.updatedAt, note: message.errorCode === null ? undefined : `error ${message.errorCode}` });
  }
  if (message.next) steps.push({ status: message.next.status, at: message.next.at, note: 'scheduled by the far end' });
  return steps;
}

function Timeline({ message }: { message: PlivoMessage }) {
  return (
    <ol class="timeline" aria-label="Status timeline">
      {timelineOf(message).map((step, index) => (
        <li key={`${step.status}-${index}`} class={`message-${step.status}${step.note === 'scheduled by the far end' ? ' upcoming' : ''}`}>
          <strong>{step.status}</strong> <span>{step.at === null ? '—' : clockDateTime(step.at)}</span>
          {step.note && <span class="notice"> · {step.note}</span>}
        </li>
      ))}
    </ol>
  );
}

function StatusCallbacks({ callbacks }: { callbacks: readonly Delivery[] }) {
  if (callbacks.length === 0) return <p class="notice">No status callbacks: the message was sent without a url.</p>;
  return (
    <table>
      <caption>Status callbacks, newest first</caption>
      <TableHead columns={['Status', 'delivery', 'response', 'attempts', 'created']} />
      <tbody>
        {callbacks.map((callback) => (
          <tr key={callback.id} data-callback-status={callback.params.Status}>
            <td>{callback.params.Status ?? '—'}</td>
            <td>
              <a href={href('deliveries', callback.id)} class={`badge status-${callback.status}`}>
                {STATUS_LABELS[callback.status]}
              </a>
            </td>
            <td>{outcomeLabel(callback.lastOutcome)}</td>
            <td>{callback.attemptCount}</td>
            <td>{clockDateTime(callback.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The far end's controls: move the message as the network would (POST /messages/{uuid}/status). */
function FarEndControls({ message, onMoved }: { message: PlivoMessage; onMoved: () => void }) {
  const [errorCode, setErrorCode] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const move = async (status: FarEndStatus): Promise<void> => {
    setBusy(true);
    setError(null);
    const code = errorCode.trim();
    const body = code === '' || status === 'sent' || status === 'delivered' ? { status } : { status, errorCode: Number(code) };
    try {
      await api('POST', `/messages/${encodeURIComponent(message.uuid)}/status`, body);
      onMoved();
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    } finally {
      setBusy(false);
    }
  };
  const final = FINAL.has(message.status);
  const statusError = errorFor(error, 'status');
  const otherError = error && errorFor(error, 'errorCode') === null && statusError === null ? `${error.message}: ${error.fix}` : null;
  return (
    <form class="far-end" aria-labelledby="far-end-title" onSubmit={(e) => e.preventDefault()}>
      <h2 id="far-end-title">Far end</h2>
      {final && <p class="notice">The message is final ({message.status}); the network moves it no further.</p>}
      <div class="form-row">
        <InputField id="message-error-code" label="Error code (undelivered, failed)" value={errorCode} onInput={setErrorCode} placeholder="e.g. 30" error={errorFor(error, 'errorCode')} />
        <div class="button-row" role="group" aria-label="Move the message">
          <button type="button" disabled={busy || final || message.status !== 'queued'} onClick={() => void move('sent')}>
            Mark sent
          </button>
          <button type="button" disabled={busy || final} onClick={() => void move('delivered')}>
            Deliver
          </button>
          <button type="button" disabled={busy || final} onClick={() => void move('undelivered')}>
            Mark undelivered
          </button>
          <button type="button" disabled={busy || final} onClick={() => void move('failed')}>
            Fail
          </button>
        </div>
      </div>
      {(statusError ?? otherError) && (
        <p class="field-error" role="alert">
          {statusError ?? otherError}
        </p>
      )}
    </form>
  );
}

/** Units with why: how long the text is in its encoding against what one SMS and each part hold. */
function unitsOf(units: number, segments: SmsSegments | null): string {
  if (segments === null) return String(units);
  const measure = segments.encoding === 'GSM' ? 'septets' : 'UTF-16 code units';
  return `${units} (${segments.length} ${measure}: one SMS holds ${segments.single}, each part of a longer one ${segments.perPart})`;
}

/** One Plivo message: its timeline, units, status callbacks and the far end's controls. */
export function MessageView({ uuid }: { uuid: string }) {
  const detail = useResource<MessageDetail>(`/messages/${encodeURIComponent(uuid)}`);
  usePolling(detail.reload, 1000);
  if (detail.error) {
    return (
      <p class="error" role="alert">
        {detail.error.status === 404 ? `No message ${uuid}.` : detail.error.message}
      </p>
    );
  }
  if (!detail.data) return <p class="empty">Loading…</p>;
  const { message, segments, callbacks } = detail.data;
  return (
    <section aria-labelledby="message-title">
      <h1 id="message-title">
        <span class={`badge message-${message.status}`} data-testid="message-status">
          {message.status}
        </span>{' '}
        {message.type.toUpperCase()} <span class="mono">{message.uuid}</span>
      </h1>
      <div class="facts">
        <KeyValues
          caption="Message"
          entries={[
            ['account', message.accountId],
            ['direction', message.direction],
            ['from', message.from],
            ['to', message.to],
            ['text', message.text],
            ['encoding', message.encoding],
            ['units', unitsOf(message.units, segments)],
            ['error code', message.errorCode === null ? '—' : String(message.errorCode)],
            ['status url', message.url === null ? 'none' : `${message.method} ${message.url}`],
          ]}
        />
        <div>
          <h2>Timeline</h2>
          <Timeline message={message} />
        </div>
      </div>
      <FarEndControls message={message} onMoved={() => void detail.reload()} />
      <StatusCallbacks callbacks={callbacks} />
    </section>
  );
}
