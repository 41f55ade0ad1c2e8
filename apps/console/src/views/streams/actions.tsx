import { useEffect, useState } from 'preact/hooks';
import { call, type Group } from '../../lib/api';
import type { LunaError } from '../../lib/errors';

// What the selected rows can be told: the same PATCH, DELETE and linker calls a REST client
// makes, one per stream (the linker: one per group). Each row shows its own answer.

export type RowResult = { ok: true; text: string } | { ok: false; error: LunaError };

const STATUS_ACTIONS = [
  { label: 'Pause', status: 'pause', done: 'paused' },
  { label: 'Resume', status: 'pending', done: 'queued (pending)' },
  { label: 'Cancel', status: 'cancel', done: 'cancelled' },
] as const;

async function eachStream(ids: string[], run: (id: string) => Promise<RowResult>): Promise<Map<string, RowResult>> {
  const results = new Map<string, RowResult>();
  // A few at a time: enough to be quick, few enough to leave the API to other clients.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(4, ids.length) }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        results.set(id, await run(id));
      }
    }),
  );
  return results;
}

interface Props {
  selected: string[];
  accountId: string | undefined;
  onResults(results: Map<string, RowResult>, deleted: string[], linked: boolean): void;
}

export function Actions({ selected, accountId, onResults }: Props) {
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [groups, setGroups] = useState<Group[]>([]);
  const [groupId, setGroupId] = useState('');

  // Asked for once the operator selects a row or opens the list, not on every page load.
  const [wanted, setWanted] = useState(false);
  if (!wanted && selected.length > 0) setWanted(true);
  useEffect(() => {
    if (!wanted) return;
    const query = accountId ? `account_id=${encodeURIComponent(accountId)}&page_size=100` : 'page_size=100';
    void call<Group[]>('GET', `/1/groups?${query}`).then((answer) => setGroups(answer.ok ? answer.body : []));
  }, [accountId, wanted]);

  const act = async (run: () => Promise<void>) => {
    setBusy(true);
    try {
      await run();
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const patch = (status: string, doneText: string) =>
    act(async () => {
      const results = await eachStream(selected, async (id) => {
        const answer = await call('PATCH', `/1/streams/${id}`, { status });
        return answer.ok ? { ok: true, text: doneText } : { ok: false, error: answer.error };
      });
      onResults(results, [], false);
    });

  const remove = () =>
    act(async () => {
      const results = await eachStream(selected, async (id) => {
        const answer = await call('DELETE', `/1/streams/${id}`);
        return answer.ok ? { ok: true, text: 'deleted' } : { ok: false, error: answer.error };
      });
      onResults(
        results,
        [...results].filter(([, r]) => r.ok).map(([id]) => id),
        false,
      );
    });

  const link = (action: 'attach' | 'detach') =>
    act(async () => {
      const group = groups.find((g) => g.group_id === groupId);
      const answer = await call('PATCH', '/1/linker', { action, stream_ids: selected, group_id: groupId });
      const result: RowResult = answer.ok
        ? { ok: true, text: `${action === 'attach' ? 'attached to' : 'detached from'} ${group?.group_name ?? 'group'}` }
        : { ok: false, error: answer.error };
      onResults(new Map(selected.map((id) => [id, result])), [], answer.ok);
    });

  const none = selected.length === 0 || busy;
  return (
    <div class="actions" role="toolbar" aria-label="Actions on the selected streams">
      <span class="selected-count">{selected.length} selected</span>
      {STATUS_ACTIONS.map((a) => (
        <button key={a.status} type="button" disabled={none} onClick={() => void patch(a.status, a.done)}>
          {a.label}
        </button>
      ))}
      {confirming ? (
        <span class="confirm">
          Delete {selected.length} stream{selected.length === 1 ? '' : 's'}? Their logs stay.
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            Yes, delete
          </button>
          <button type="button" class="secondary" onClick={() => setConfirming(false)}>
            Keep them
          </button>
        </span>
      ) : (
        <button type="button" class="danger" disabled={none} onClick={() => setConfirming(true)}>
          Delete…
        </button>
      )}
      <label for="link-group">Group</label>
      <select
        onFocus={() => setWanted(true)}
        id="link-group"
        value={groupId}
        onChange={(e) => setGroupId((e.currentTarget as HTMLSelectElement).value)}
      >
        <option value="">choose a group</option>
        {groups.map((g) => (
          <option key={g.group_id} value={g.group_id}>
            {accountId ? g.group_name : `${g.group_name} (account ${g.account_id.slice(0, 8)})`}
          </option>
        ))}
      </select>
      <button type="button" disabled={none || !groupId} onClick={() => void link('attach')}>
        Attach
      </button>
      <button type="button" disabled={none || !groupId} onClick={() => void link('detach')}>
        Detach
      </button>
    </div>
  );
}
