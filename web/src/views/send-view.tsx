import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import { PlivoError, plivoPost } from '../api/plivo-client.js';
import { InputField } from '../components/field.js';
import { href } from '../router.js';

interface Refusal {
  readonly field: string | null;
  readonly message: string;
}

interface Done {
  readonly label: string;
  readonly href: string;
}

function refusalOf(error: unknown): Refusal {
  if (error instanceof PlivoError) return { field: error.field, message: error.message };
  if (error instanceof ApiError) return { field: error.field, message: `${error.message}${error.fix ? ` (${error.fix})` : ''}` };
  return { field: null, message: error instanceof Error ? error.message : String(error) };
}

/**
 * One form of the panel: its fields, each with the error the API put on it; the refusal that names no
 * field under the button; and a link to what was made.
 */
function SendForm({
  id,
  title,
  fields,
  submit,
  children,
}: {
  id: string;
  title: string;
  fields: ReadonlyArray<{ name: string; label: string; placeholder?: string; type?: 'text' | 'password' }>;
  submit: (values: Record<string, string>) => Promise<Done>;
  children?: ComponentChildren;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setRefusal(null);
    setDone(null);
    try {
      setDone(await submit(values));
    } catch (error) {
      setRefusal(refusalOf(error));
    } finally {
      setBusy(false);
    }
  };
  const placed = refusal !== null && fields.some((field) => field.name === refusal.field);
  return (
    <form class="send-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void onSubmit(e)}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
      {fields.map((field) => (
        <InputField
          key={field.name}
          id={`${id}-${field.name}`}
          label={field.label}
          type={field.type}
          placeholder={field.placeholder}
          value={values[field.name] ?? ''}
          onInput={(value) => setValues((old) => ({ ...old, [field.name]: value }))}
          error={refusal?.field === field.name ? refusal.message : null}
        />
      ))}
      <button type="submit" class="primary" disabled={busy}>
        {title}
      </button>
      {refusal && !placed && (
        <p class="field-error" role="alert">
          {refusal.message}
        </p>
      )}
      {done && (
        <p class="notice" role="status">
          Done: <a href={done.href}>{done.label}</a>
        </p>
      )}
    </form>
  );
}

/**
 * Make calls and send messages the way an app would (the Plivo REST API, with the account's auth id
 * and token), and play the far end sending in (the control API's inbound routes).
 */
export function SendView() {
  const [authId, setAuthId] = useState('');
  const [authToken, setAuthToken] = useState('');
  const account = (): [string, string] => [authId.trim(), authToken];
  return (
    <section aria-labelledby="send-title">
      <h1 id="send-title">Send</h1>
      <fieldset class="send-account">
        <legend>Plivo account (for calls and SMS the app makes)</legend>
        <div class="form-row">
          <InputField id="send-auth-id" label="Auth ID" value={authId} onInput={setAuthId} placeholder="MA…" />
          <InputField id="send-auth-token" label="Auth token" type="password" value={authToken} onInput={setAuthToken} />
        </div>
        <p class="notice">Kept in this page only; hookline checks them as Plivo would.</p>
      </fieldset>
      <div class="send-forms">
        <SendForm
          id="make-call"
          title="Make a call"
          fields={[
            { name: 'from', label: 'From', placeholder: '14155550100' },
            { name: 'to', label: 'To', placeholder: '14155550199' },
            { name: 'answer_url', label: 'Answer URL', placeholder: 'http://127.0.0.1:3000/answer' },
          ]}
          submit={async (values) => {
            const made = await plivoPost<{ request_uuid: string }>(...account(), 'Call', { from: values.from ?? '', to: values.to ?? '', answer_url: values.answer_url ?? '' });
            return { label: `call ${made.request_uuid}`, href: href('calls', made.request_uuid) };
          }}
        />
        <SendForm
          id="send-sms"
          title="Send an SMS"
          fields={[
            { name: 'src', label: 'From (src)', placeholder: '14155550100' },
            { name: 'dst', label: 'To (dst)', placeholder: '14155550101' },
            { name: 'text', label: 'Text' },
            { name: 'url', label: 'Status URL (optional)' },
          ]}
          submit={async (values) => {
            const body: Record<string, string> = { src: values.src ?? '', dst: values.dst ?? '', text: values.text ?? '' };
            if (values.url?.trim()) body.url = values.url.trim();
            const sent = await plivoPost<{ message_uuid: string[] }>(...account(), 'Message', body);
            const uuid = sent.message_uuid[0] ?? '';
            return { label: `message ${uuid}`, href: href('messages', uuid) };
          }}
        />
        <SendForm
          id="inbound-sms"
          title="Receive an SMS"
          fields={[
            { name: 'from', label: 'From (a phone)', placeholder: '+14155559999' },
            { name: 'to', label: 'To (a rented number)', placeholder: '+14155550123' },
            { name: 'text', label: 'Text' },
          ]}
          submit={async (values) => {
            const received = await api<{ messageUuid: string }>('POST', '/inbound/messages', { from: values.from ?? '', to: values.to ?? '', text: values.text ?? '' });
            return { label: `message ${received.messageUuid}`, href: href('messages', received.messageUuid) };
          }}
        />
        <SendForm
          id="inbound-call"
          title="Receive a call"
          fields={[
            { name: 'from', label: 'From (a phone)', placeholder: '+14155559999' },
            { name: 'to', label: 'To (a rented number)', placeholder: '+14155550123' },
          ]}
          submit={async (values) => {
            const received = await api<{ uuid: string }>('POST', '/inbound/calls', { from: values.from ?? '', to: values.to ?? '' });
            return { label: `call ${received.uuid}`, href: href('calls', received.uuid) };
          }}
        />
      </div>
    </section>
  );
}
