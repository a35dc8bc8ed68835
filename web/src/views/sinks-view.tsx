import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, query } from '../api/client.js';
import type { SinkConfig, SinkRequest } from '../api/types.js';
import { errorFor, InputField } from '../components/field.js';
import { KeyValues } from '../components/key-values.js';
import { usePolling } from '../components/use-polling.js';
import { clockDateTime } from '../format.js';
import { href } from '../router.js';

/** Pages read per refresh; a sink that received more shows the first ones (the API pages oldest first). */
const MAX_PAGES = 4;

/** Pick a sink by name: any name is a sink, created by first use. */
export function SinkPicker() {
  const [name, setName] = useState('');
  const open = (event: Event): void => {
    event.preventDefault();
    if (name.trim()) window.location.hash = href('sinks', name.trim());
  };
  return (
    <section aria-labelledby="sinks-title">
      <h1 id="sinks-title">Sinks</h1>
      <p>
        A sink records every request sent to <code>/sink/&lt;name&gt;</code> (or a path below it), so a callback can land somewhere before you have an
        app. Name one to watch it and set how it answers.
      </p>
      <form class="form-row" onSubmit={open}>
        <InputField id="sink-name" label="Sink name" value={name} onInput={setName} placeholder="demo" />
        <button type="submit" class="primary">
          Open sink
        </button>
      </form>
    </section>
  );
}

async function readRequests(name: string): Promise<SinkRequest[]> {
  const all: SinkRequest[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const path: string = `/sinks/${encodeURIComponent(name)}/requests${query({ limit: 500, after })}`;
    const result: { requests: SinkRequest[]; nextCursor: string | null } = await api('GET', path);
    all.push(...result.requests);
    after = result.nextCursor;
    if (after === null) break;
  }
  return all;
}

function SinkConfigForm({ name, config, onSaved }: { name: string; config: SinkConfig; onSaved: (config: SinkConfig) => void }) {
  const [status, setStatus] = useState(String(config.status));
  const [delayMs, setDelayMs] = useState(String(config.delayMs));
  const [body, setBody] = useState(config.body);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    // Sent as typed: the API, not the page, decides what is valid and says so per field.
    const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
    try {
      onSaved(await api<SinkConfig>('PUT', `/sinks/${encodeURIComponent(name)}`, { status: numberOrText(status), delayMs: numberOrText(delayMs), body, headers: config.headers }));
      setSaved(true);
    } catch (failure) {
      if (failure instanceof ApiError) setError(failure);
      else throw failure;
    }
  };
  const otherError = error && !['status', 'delayMs', 'body'].some((field) => errorFor(error, field) !== null) ? `${error.message}: ${error.fix}` : null;
  return (
    <form class="sink-config" aria-labelledby="sink-config-title" onSubmit={(e) => void save(e)}>
      <h2 id="sink-config-title">How it answers</h2>
      <div class="form-row">
        <InputField id="sink-status" label="Status" value={status} onInput={setStatus} error={errorFor(error, 'status')} />
        <InputField id="sink-delay" label="Delay (ms, wall clock)" value={delayMs} onInput={setDelayMs} error={errorFor(error, 'delayMs')} />
        <InputField id="sink-body" class="grow" label="Body" value={body} onInput={setBody} error={errorFor(error, 'body')} />
        <button type="submit">Save</button>
      </div>
      {otherError && (
        <p class="field-error" role="alert">
          {otherError}
        </p>
      )}
      {saved && (
        <p class="notice" role="status">
          Saved.
        </p>
      )}
    </form>
  );
}

function SinkRequestView({ request }: { request: SinkRequest }) {
  return (
    <article class="sink-request" aria-label={`Request ${request.seq}`}>
      <p class="mono">
        <strong>{request.method}</strong> {request.path}
        {request.query ? `?${request.query}` : ''} <span class="notice">{clockDateTime(request.receivedAt)}</span>
      </p>
      <details>
        <summary>Headers</summary>
        <KeyValues caption="Headers" entries={Object.entries(request.headers)} />
      </details>
      {request.body ? <pre>{request.body}</pre> : <p class="notice">no body</p>}
    </article>
  );
}

/** One sink: its address, how it answers, and what it received, newest first. */
export function SinkView({ name }: { name: string }) {
  const [config, setConfig] = useState<SinkConfig | null>(null);
  const [requests, setRequests] = useState<SinkRequest[]>([]);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      setRequests(await readRequests(name));
      setError(null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [name]);
  useEffect(() => {
    void api<SinkConfig>('GET', `/sinks/${encodeURIComponent(name)}`)
      .then(setConfig)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
    void refresh();
  }, [name, refresh]);
  usePolling(refresh, 1000);

  const address = `${window.location.origin}/sink/${encodeURIComponent(name)}`;
  return (
    <section aria-labelledby="sink-title">
      <h1 id="sink-title">
        Sink <span class="mono">{name}</span>
      </h1>
      <p>
        Send callbacks to <code data-testid="sink-address">{address}</code> (or any path below it).
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {config && <SinkConfigForm key={name} name={name} config={config} onSaved={setConfig} />}
      <h2>
        Received <span data-testid="sink-count">{requests.length}</span>
      </h2>
      {requests.length === 0 ? (
        <p class="empty">Nothing yet.</p>
      ) : (
        <ol class="sink-requests" reversed>
          {[...requests].reverse().map((request) => (
            <li key={request.seq}>
              <SinkRequestView request={request} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
