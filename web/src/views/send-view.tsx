import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api/client.js';
import { PlivoError, plivoPost } from '../api/plivo-client.js';
import type { VerifySessionState } from '../api/types.js';
import { InputField, SelectField } from '../components/field.js';
import { useResource } from '../components/use-resource.js';
import { href } from '../router.js';

interface Refusal {
  readonly field: string | null;
  readonly message: string;
}

/** What a form made: a link to it, or (a check that makes nothing) just the API's answer. */
interface Done {
  readonly label: string;
  readonly href?: string;
}

interface FieldSpec {
  /** The API parameter the field fills, which is also how a refusal names it. */
  readonly name: string;
  readonly label: string;
  readonly placeholder?: string;
  /** A fixed set of values, the first being the default. */
  readonly choices?: readonly string[];
  /** Left out of the request when blank, so the API applies its own default. */
  readonly optional?: boolean;
}

/** One form of the panel as data: its fields and what it does with what was typed. */
interface FormSpec {
  readonly id: string;
  readonly title: string;
  readonly fields: readonly FieldSpec[];
  readonly send: (body: Record<string, string>) => Promise<Done>;
}

type Account = readonly [authId: string, authToken: string];

function refusalOf(error: unknown): Refusal {
  if (error instanceof PlivoError) return { field: error.field, message: error.message };
  if (error instanceof ApiError) return { field: error.field, message: `${error.message}${error.fix ? ` (${error.fix})` : ''}` };
  return { field: null, message: error instanceof Error ? error.message : String(error) };
}

function valueOf(field: FieldSpec, values: Readonly<Record<string, string>>): string {
  return values[field.name] ?? field.choices?.[0] ?? '';
}

/** The request body from what was typed: every field, except optional ones left blank. */
function bodyOf(fields: readonly FieldSpec[], values: Readonly<Record<string, string>>): Record<string, string> {
  const body: Record<string, string> = {};
  for (const field of fields) {
    const value = valueOf(field, values);
    if (field.optional && value.trim() === '') continue;
    body[field.name] = field.optional ? value.trim() : value;
  }
  return body;
}

/**
 * One form of the panel: its fields, each with the error the API put on it; the refusal that names no
 * field under the button; and what was made.
 */
function SendForm({ spec, initial = {}, children }: { spec: FormSpec; initial?: Readonly<Record<string, string>>; children?: ComponentChildren }) {
  const { id, title, fields } = spec;
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [done, setDone] = useState<Done | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setRefusal(null);
    setDone(null);
    try {
      setDone(await spec.send(bodyOf(fields, values)));
    } catch (error) {
      setRefusal(refusalOf(error));
    } finally {
      setBusy(false);
    }
  };
  const set = (name: string) => (value: string) => setValues((old) => ({ ...old, [name]: value }));
  const errorOn = (name: string): string | null => (refusal?.field === name ? refusal.message : null);
  const placed = refusal !== null && fields.some((field) => field.name === refusal.field);
  return (
    <form class="send-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void onSubmit(e)}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
      {fields.map((field) =>
        field.choices ? (
          <SelectField key={field.name} id={`${id}-${field.name}`} label={field.label} value={valueOf(field, values)} choices={field.choices} onChange={set(field.name)} error={errorOn(field.name)} />
        ) : (
          <InputField key={field.name} id={`${id}-${field.name}`} label={field.label} placeholder={field.placeholder} value={valueOf(field, values)} onInput={set(field.name)} error={errorOn(field.name)} />
        ),
      )}
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
          Done: {done.href ? <a href={done.href}>{done.label}</a> : done.label}
        </p>
      )}
    </form>
  );
}

function outboundForms(account: () => Account): FormSpec[] {
  return [
    {
      id: 'make-call',
      title: 'Make a call',
      fields: [
        { name: 'from', label: 'From', placeholder: '14155550100' },
        { name: 'to', label: 'To', placeholder: '14155550199' },
        { name: 'answer_url', label: 'Answer URL', placeholder: 'http://127.0.0.1:3000/answer' },
      ],
      async send(body) {
        const made = await plivoPost<{ request_uuid: string }>(...account(), 'Call', body);
        return { label: `call ${made.request_uuid}`, href: href('calls', made.request_uuid) };
      },
    },
    {
      id: 'send-sms',
      title: 'Send an SMS',
      fields: [
        { name: 'src', label: 'From (src)', placeholder: '14155550100' },
        { name: 'dst', label: 'To (dst)', placeholder: '14155550101' },
        { name: 'text', label: 'Text' },
        { name: 'url', label: 'Status URL (optional)', optional: true },
      ],
      async send(body) {
        const sent = await plivoPost<{ message_uuid: string[] }>(...account(), 'Message', body);
        const uuid = sent.message_uuid[0] ?? '';
        return { label: `message ${uuid}`, href: href('messages', uuid) };
      },
    },
  ];
}

const INBOUND_FORMS: readonly FormSpec[] = [
  {
    id: 'inbound-sms',
    title: 'Receive an SMS',
    fields: [
      { name: 'from', label: 'From (a phone)', placeholder: '+14155559999' },
      { name: 'to', label: 'To (a rented number)', placeholder: '+14155550123' },
      { name: 'text', label: 'Text' },
    ],
    async send(body) {
      const received = await api<{ messageUuid: string }>('POST', '/inbound/messages', body);
      return { label: `message ${received.messageUuid}`, href: href('messages', received.messageUuid) };
    },
  },
  {
    id: 'inbound-call',
    title: 'Receive a call',
    fields: [
      { name: 'from', label: 'From (a phone)', placeholder: '+14155559999' },
      { name: 'to', label: 'To (a rented number)', placeholder: '+14155550123' },
    ],
    async send(body) {
      const received = await api<{ uuid: string }>('POST', '/inbound/calls', body);
      return { label: `call ${received.uuid}`, href: href('calls', received.uuid) };
    },
  },
];

/** What the recipient's phone got, read from the control API: the page plays the person holding it. */
function SentCode({ sessionUuid }: { sessionUuid: string }) {
  const session = useResource<VerifySessionState>(`/verify/sessions/${encodeURIComponent(sessionUuid)}`);
  if (!session.data) return session.error ? <p class="field-error">{session.error.message}</p> : null;
  const { otp, recipient, channel, messageUuid, callUuid } = session.data;
  const carrier = messageUuid ? <a href={href('messages', messageUuid)}>by SMS</a> : callUuid ? <a href={href('calls', callUuid)}>by a call</a> : `by ${channel}`;
  return (
    <p class="notice" data-testid="verify-code">
      +{recipient} was sent <code>{otp}</code> {carrier}.
    </p>
  );
}

/**
 * Plivo Verify as an app runs it: start a session, then check the code the user typed. A wrong code
 * is refused with a message that names no parameter, so it is put by the code field.
 */
function VerifyForms({ account }: { account: () => Account }) {
  const [sessionUuid, setSessionUuid] = useState<string | null>(null);
  const start: FormSpec = {
    id: 'start-verify',
    title: 'Start a verify session',
    fields: [
      { name: 'recipient', label: 'Recipient', placeholder: '+14155550102' },
      { name: 'channel', label: 'Channel', choices: ['sms', 'voice'] },
      { name: 'url', label: 'Status URL (optional)', optional: true },
      { name: 'method', label: 'Status method', choices: ['POST', 'GET'] },
      { name: 'app_uuid', label: 'Verify application (optional)', optional: true },
    ],
    async send(body) {
      const started = await plivoPost<{ session_uuid: string }>(...account(), 'Verify/Session', body);
      setSessionUuid(started.session_uuid);
      return { label: `session ${started.session_uuid}` };
    },
  };
  const check: FormSpec = {
    id: 'check-verify',
    title: 'Check the code',
    fields: [
      { name: 'session_uuid', label: 'Session' },
      { name: 'otp', label: 'Code (otp)' },
    ],
    async send({ session_uuid: uuid = '', otp = '' }) {
      try {
        const checked = await plivoPost<{ message: string }>(...account(), `Verify/Session/${encodeURIComponent(uuid.trim())}`, { otp });
        return { label: checked.message };
      } catch (error) {
        if (!(error instanceof PlivoError) || error.field !== null || error.status === 0) throw error;
        throw new PlivoError(error.status, error.message, error.status === 404 ? 'session_uuid' : 'otp');
      }
    },
  };
  return (
    <>
      <SendForm spec={start} />
      {sessionUuid && (
        <SendForm key={sessionUuid} spec={check} initial={{ session_uuid: sessionUuid }}>
          <SentCode sessionUuid={sessionUuid} />
        </SendForm>
      )}
    </>
  );
}

/**
 * Make calls, send messages and run Verify the way an app would (the Plivo REST API, with the
 * account's auth id and token), and play the far end sending in (the control API's inbound routes).
 */
export function SendView() {
  const [authId, setAuthId] = useState('');
  const [authToken, setAuthToken] = useState('');
  const account = (): Account => [authId.trim(), authToken];
  return (
    <section aria-labelledby="send-title">
      <h1 id="send-title">Send</h1>
      <fieldset class="send-account">
        <legend>Plivo account (for calls, SMS and Verify the app makes)</legend>
        <div class="form-row">
          <InputField id="send-auth-id" label="Auth ID" value={authId} onInput={setAuthId} placeholder="MA…" />
          <InputField id="send-auth-token" label="Auth token" type="password" value={authToken} onInput={setAuthToken} />
        </div>
        <p class="notice">Kept in this page only; hookline checks them as Plivo would.</p>
      </fieldset>
      <div class="send-forms">
        {[...outboundForms(account), ...INBOUND_FORMS].map((spec) => (
          <SendForm key={spec.id} spec={spec} />
        ))}
        <VerifyForms account={account} />
      </div>
    </section>
  );
}
