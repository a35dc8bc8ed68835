import { useState } from 'preact/hooks';
import type { Attempt, DetailedAttempt, DocumentReading } from '../api/types.js';
import { KeyValues } from '../components/key-values.js';
import { curlCommand } from '../curl.js';
import { clockDateTime, duration, outcomeDetail } from '../format.js';
import { prettyXml } from '../xml.js';
import { DocumentReadingView } from './document-reading.js';

const SIGNATURE_HEADER = /signature|^webhook-(id|timestamp)$|^x-hookline-/i;

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

function formPairs(body: string | null, contentType: string | undefined): Array<[string, string]> {
  if (body === null || body === '' || (contentType !== undefined && !contentType.includes('x-www-form-urlencoded'))) return [];
  return [...new URLSearchParams(body)];
}

function CopyCurl({ attempt }: { attempt: Attempt }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const command = curlCommand(attempt.request);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied('yes');
    } catch {
      // Clipboard access needs a secure context (an http:// address beyond loopback is not one).
      setCopied('failed');
    }
  };
  return (
    <details class="curl" open={copied === 'failed'}>
      <summary>
        <button type="button" onClick={(e) => { e.preventDefault(); void copy(); }}>
          Copy as curl
        </button>
        <span role="status" class="notice">
          {copied === 'yes' ? ' copied' : copied === 'failed' ? ' the browser refused the clipboard: copy it from below' : ''}
        </span>
      </summary>
      <pre data-testid="curl-command">{command}</pre>
    </details>
  );
}

function RequestPanel({ attempt }: { attempt: Attempt }) {
  const { request } = attempt;
  const contentType = headerOf(request.headers, 'content-type');
  const params = formPairs(request.body, contentType);
  return (
    <section class="panel" aria-label={`Request of attempt ${attempt.number}`}>
      <h3>Request</h3>
      <p class="mono request-line">
        {request.method} {request.url}
      </p>
      <KeyValues caption="Headers" entries={Object.entries(request.headers)} highlight={(name) => SIGNATURE_HEADER.test(name)} />
      {params.length > 0 && <KeyValues caption="Parameters" entries={params} />}
      <h4>Raw body</h4>
      {request.body ? <pre>{request.body}</pre> : <p class="notice">no body</p>}
      <CopyCurl attempt={attempt} />
    </section>
  );
}

function ResponseBody({ body, contentType, truncated, reading }: { body: string; contentType: string | undefined; truncated: boolean; reading: DocumentReading | null }) {
  if (body === '') return <p class="notice">empty body</p>;
  // A document refused by hookline's parser is shown by the reading, numbered where the parser stopped.
  if (reading?.ok === false) return <DocumentReadingView reading={reading} body={body} />;
  const xml = truncated ? null : prettyXml(body, contentType);
  return (
    <>
      {xml?.ok === false && (
        <p class="error">
          Not well-formed XML: <span class="mono">{xml.error}</span>
        </p>
      )}
      <pre data-testid="response-body">{xml?.ok ? xml.pretty : body}</pre>
      {truncated && <p class="notice">Cut short: hookline keeps the first part of each body (--attempt-body-limit).</p>}
      {reading && <DocumentReadingView reading={reading} body={body} />}
    </>
  );
}

function ResponsePanel({ attempt }: { attempt: DetailedAttempt }) {
  const { response } = attempt;
  return (
    <section class="panel" aria-label={`Response to attempt ${attempt.number}`}>
      <h3>Response</h3>
      {response === null ? (
        <p class="notice">No response: {outcomeDetail(attempt.outcome)}.</p>
      ) : (
        <>
          <p class="mono response-line">HTTP {response.status}</p>
          <KeyValues caption="Headers" entries={Object.entries(response.headers)} />
          <h4>Body</h4>
          <ResponseBody body={response.body} contentType={headerOf(response.headers, 'content-type')} truncated={response.bodyTruncated} reading={attempt.document} />
        </>
      )}
    </section>
  );
}

/** One attempt: its timing and outcome, then the request as sent beside the response as received. */
export function AttemptView({ attempt }: { attempt: DetailedAttempt }) {
  // A 2xx whose document the parser refused failed all the same: the call could not run it.
  const refused = attempt.document?.ok === false;
  const failed = attempt.outcome.kind !== 'success' || refused;
  return (
    <article class={`attempt ${failed ? 'attempt-failed' : 'attempt-ok'}`} aria-labelledby={`attempt-${attempt.number}`} data-attempt={attempt.number}>
      <header>
        <h2 id={`attempt-${attempt.number}`}>Attempt #{attempt.number}</h2>
        <p>
          {clockDateTime(attempt.startedAt)} · {duration(attempt.durationMs)} · <span class="outcome">{outcomeDetail(attempt.outcome)}</span>
          {refused && <span class="outcome"> · document refused</span>}
          {attempt.nextAttemptAt !== null && <> · next attempt at {clockDateTime(attempt.nextAttemptAt)}</>}
        </p>
      </header>
      <div class="side-by-side">
        <RequestPanel attempt={attempt} />
        <ResponsePanel attempt={attempt} />
      </div>
    </article>
  );
}
