import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { ErrorNote } from '../components/bits';
import { call } from '../lib/api';
import { fieldForError, type LunaError } from '../lib/errors';

// /console/streams/new: the common fields of POST /1/streams as a form, plus a JSON editor
// for the rest (policies, location, …). The form's fields win over the same keys in the JSON.
// An API error is shown at the field its detail names, or at the JSON editor.

const FIELDS = [
  'account_id',
  'name',
  'description',
  'data.type',
  'data.reference',
  'event_handler.origin',
  'event_handler.bestshot_handler.handler_id',
  'event_handler.detection_handler.handler_id',
  'group_name',
  'autorestart.restart',
  'autorestart.attempt_count',
  'autorestart.delay',
  'status',
] as const;

type Values = Record<(typeof FIELDS)[number], string>;

function bodyOf(values: Values, extra: Record<string, unknown>): Record<string, unknown> {
  const str = (v: string) => (v.trim() === '' ? undefined : v.trim());
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  const eventHandler = (extra.event_handler as Record<string, unknown> | undefined) ?? {};
  const detection = str(values['event_handler.detection_handler.handler_id']);
  return {
    ...extra,
    account_id: str(values.account_id),
    name: str(values.name),
    description: str(values.description),
    data: { ...(extra.data as object | undefined), type: values['data.type'], reference: values['data.reference'] },
    event_handler: {
      ...eventHandler,
      origin: str(values['event_handler.origin']),
      bestshot_handler: { handler_id: str(values['event_handler.bestshot_handler.handler_id']) },
      ...(detection ? { detection_handler: { handler_id: detection } } : {}),
    },
    group_name: str(values.group_name),
    autorestart: {
      ...(extra.autorestart as object | undefined),
      restart: values['autorestart.restart'] === '1' ? 1 : 0,
      attempt_count: num(values['autorestart.attempt_count']),
      delay: num(values['autorestart.delay']),
    },
    status: values.status,
  };
}

function Field(props: {
  name: keyof Values;
  label: string;
  error?: LunaError;
  numeric?: boolean;
  placeholder?: string;
  value?: string;
}) {
  const id = `f-${props.name.replace(/\./g, '-')}`;
  return (
    <div class={props.error ? 'field invalid' : 'field'} data-field={props.name}>
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        inputMode={props.numeric ? 'numeric' : undefined}
        defaultValue={props.value ?? ''}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
        spellcheck={false}
      />
      {props.error ? (
        <span id={`${id}-error`} class="field-error" data-error-code={props.error.error_code}>
          {props.error.error_code}: {props.error.detail}
        </span>
      ) : null}
    </div>
  );
}

export function StreamCreate() {
  const location = useLocation();
  const account = location.query.account_id ?? '';
  const [error, setError] = useState<{ error: LunaError; field: string | undefined }>();
  const [jsonError, setJsonError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const at = (field: string) => (error && error.field === field ? error.error : undefined);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const values = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? '')])) as Values;
    values['autorestart.restart'] = form.get('autorestart.restart') ? '1' : '0';
    let extra: Record<string, unknown>;
    const text = String(form.get('extra') ?? '').trim();
    try {
      extra = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      setJsonError(undefined);
    } catch (parseError) {
      setJsonError(`Not valid JSON: ${(parseError as Error).message}`);
      return;
    }
    setBusy(true);
    const answer = await call<{ stream_id: string }>('POST', '/1/streams', bodyOf(values, extra));
    setBusy(false);
    if (answer.ok) location.route(`/console/streams/${answer.body.stream_id}`);
    else setError({ error: answer.error, field: fieldForError(answer.error, FIELDS) });
  };

  return (
    <section aria-labelledby="create-title">
      <h1 id="create-title">Create a stream</h1>
      <form class="create" onSubmit={submit} noValidate>
        <Field name="account_id" label="Account id" value={account} error={at('account_id')} />
        <Field name="name" label="Name" error={at('name')} />
        <Field name="description" label="Description" error={at('description')} />
        <div class="field" data-field="data.type">
          <label for="f-data-type">Source type</label>
          <select id="f-data-type" name="data.type">
            {['tcp', 'udp', 'videofile', 'images'].map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <Field
          name="data.reference"
          label="Source reference"
          placeholder="rtsp://10.0.0.15:554/live"
          error={at('data.reference')}
        />
        <Field
          name="event_handler.origin"
          label="Event handler origin"
          placeholder="http://127.0.0.1:5000"
          error={at('event_handler.origin')}
        />
        <Field
          name="event_handler.bestshot_handler.handler_id"
          label="Best shot handler id"
          error={at('event_handler.bestshot_handler.handler_id')}
        />
        <Field
          name="event_handler.detection_handler.handler_id"
          label="Detection handler id (optional)"
          error={at('event_handler.detection_handler.handler_id')}
        />
        <Field name="group_name" label="Group (optional)" error={at('group_name')} />
        <fieldset>
          <legend>Autorestart</legend>
          <label class="check">
            <input type="checkbox" name="autorestart.restart" defaultChecked /> restart failed runs
          </label>
          <Field
            name="autorestart.attempt_count"
            label="Attempts"
            numeric
            value="10"
            error={at('autorestart.attempt_count')}
          />
          <Field name="autorestart.delay" label="Delay (s)" numeric value="60" error={at('autorestart.delay')} />
        </fieldset>
        <div class="field" data-field="status">
          <label for="f-status">Initial status</label>
          <select id="f-status" name="status">
            <option value="pending">pending (queued)</option>
            <option value="pause">pause</option>
          </select>
        </div>
        <div class={error && !error.field ? 'field invalid' : 'field'} data-field="extra">
          <label for="f-extra">Other fields as JSON (policies, location, …)</label>
          <textarea
            id="f-extra"
            name="extra"
            rows={8}
            spellcheck={false}
            placeholder='{"location": {"city": "Lyon"}}'
          />
          {jsonError ? <span class="field-error">{jsonError}</span> : null}
        </div>
        {error && !error.field ? <ErrorNote error={error.error} /> : null}
        <div class="buttons">
          <button type="submit" disabled={busy}>
            Create
          </button>
          <a
            class="button secondary"
            href={account ? `/console/streams?account_id=${encodeURIComponent(account)}` : '/console/streams'}
          >
            Back to streams
          </a>
        </div>
      </form>
    </section>
  );
}
