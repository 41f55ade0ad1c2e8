import { useEffect, useState } from 'preact/hooks';
import { ErrorNote } from '../components/bits';
import { call, type Stream } from '../lib/api';
import { errorPath, type LunaError } from '../lib/errors';
import { putBodyOf } from '../lib/stream-info';

// Edit a stream as JSON and PUT it (version + 1). The error of a refused PUT is shown at the
// editor with the field its detail names.

export function StreamEditor({ stream, onSaved }: { stream: Stream; onSaved(): void }) {
  const [text, setText] = useState(() => JSON.stringify(putBodyOf(stream), null, 2));
  const [error, setError] = useState<LunaError>();
  const [parseError, setParseError] = useState<string>();
  const [saved, setSaved] = useState<number>();
  const [open, setOpen] = useState(false);
  // Each time the editor opens it starts from the stream as it is now.
  useEffect(() => {
    if (open) setText(JSON.stringify(putBodyOf(stream), null, 2));
  }, [open]);

  const save = async (e: Event) => {
    e.preventDefault();
    let body: unknown;
    try {
      body = JSON.parse(text);
      setParseError(undefined);
    } catch (err) {
      setParseError(`Not valid JSON: ${(err as Error).message}`);
      return;
    }
    const answer = await call<{ version: number }>('PUT', `/1/streams/${stream.stream_id}`, body);
    if (!answer.ok) return setError(answer.error);
    setError(undefined);
    setSaved(answer.body?.version);
    setOpen(false);
    onSaved();
  };

  const path = error ? errorPath(error) : undefined;
  return (
    <section class="editor" aria-labelledby="edit-title">
      <h2 id="edit-title">Edit (PUT)</h2>
      {saved !== undefined ? <p role="status">Saved: the stream is now at version {saved}.</p> : null}
      {!open ? (
        <button type="button" onClick={() => setOpen(true)}>
          Edit as JSON
        </button>
      ) : (
        <form onSubmit={save}>
          <p>
            Editing version <strong data-testid="edit-version">{stream.version}</strong>. Saving replaces the stream:
            its version goes up by one and an agent running it is told to stop.
          </p>
          <label for="put-json">Stream as JSON</label>
          <textarea
            id="put-json"
            rows={20}
            value={text}
            spellcheck={false}
            aria-invalid={error || parseError ? true : undefined}
            aria-describedby={error || parseError ? 'put-error' : undefined}
            onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          />
          <div id="put-error">
            {parseError ? <span class="field-error">{parseError}</span> : null}
            {error ? (
              <>
                {path ? (
                  <p class="field-error" data-error-path={path}>
                    At <code>{path}</code>:
                  </p>
                ) : null}
                <ErrorNote error={error} />
              </>
            ) : null}
          </div>
          <div class="buttons">
            <button type="submit">Save (PUT)</button>
            <button type="button" class="secondary" onClick={() => setOpen(false)}>
              Close
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
