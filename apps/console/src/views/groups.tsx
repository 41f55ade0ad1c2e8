import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { Empty, ErrorNote, time } from '../components/bits';
import { call, type Group } from '../lib/api';
import { describeError, type LunaError } from '../lib/errors';

// /console/groups?account_id=…: list, create, edit a description, delete, and open a
// group's streams (the streams view filtered by account and group).

const PAGE_SIZE = 25;

function GroupRow({ group, onChanged }: { group: Group; onChanged(message: string): void }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<LunaError>();
  const [description, setDescription] = useState(group.description);
  const streams = `/console/streams?account_id=${group.account_id}&group_name=${encodeURIComponent(group.group_name)}`;

  const save = async (e: Event) => {
    e.preventDefault();
    const answer = await call('PATCH', `/1/groups/${group.group_id}`, { description });
    if (!answer.ok) return setError(answer.error);
    setError(undefined);
    setEditing(false);
    onChanged(`Group ${group.group_name}: description saved.`);
  };
  const remove = async () => {
    const answer = await call('DELETE', `/1/groups/${group.group_id}`);
    if (!answer.ok) return setError(answer.error);
    onChanged(`Group ${group.group_name} deleted (its streams stay).`);
  };

  return (
    <tr data-group={group.group_name}>
      <td>
        <a href={streams}>{group.group_name}</a>
      </td>
      <td class="sub">{group.account_id}</td>
      <td>
        {editing ? (
          <form onSubmit={save} class="inline">
            <label class="visually-hidden" for={`d-${group.group_id}`}>
              Description of {group.group_name}
            </label>
            <input
              id={`d-${group.group_id}`}
              value={description}
              onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit">Save</button>
          </form>
        ) : (
          group.description || '—'
        )}
      </td>
      <td>{time(group.create_time)}</td>
      <td class="row-actions">
        <a href={streams}>Streams</a>
        {!editing ? (
          <button type="button" class="secondary" onClick={() => setEditing(true)}>
            Edit description
          </button>
        ) : null}
        {confirming ? (
          <>
            <button type="button" class="danger" onClick={() => void remove()}>
              Yes, delete {group.group_name}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
        {error ? <span class="error-text">{describeError(error)}</span> : null}
      </td>
    </tr>
  );
}

export function GroupsPage() {
  const location = useLocation();
  const account = location.query.account_id ?? '';
  const page = Math.max(1, Number(location.query.page) || 1);
  const [groups, setGroups] = useState<Group[]>();
  const [error, setError] = useState<LunaError>();
  const [createError, setCreateError] = useState<LunaError>();
  const [message, setMessage] = useState('');
  const query = `${account ? `account_id=${encodeURIComponent(account)}&` : ''}page=${page}&page_size=${PAGE_SIZE}`;

  const load = async () => {
    const answer = await call<Group[]>('GET', `/1/groups?${query}`);
    if (!answer.ok) return setError(answer.error);
    setError(undefined);
    setGroups(answer.body);
  };
  useEffect(() => void load(), [query]);

  const create = async (e: Event) => {
    e.preventDefault();
    const formElement = e.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const body = {
      account_id: String(form.get('account_id') ?? '').trim(),
      group_name: String(form.get('group_name') ?? '').trim(),
      description: String(form.get('description') ?? ''),
    };
    const answer = await call('POST', '/1/groups', body);
    if (!answer.ok) return setCreateError(answer.error);
    setCreateError(undefined);
    setMessage(`Group ${body.group_name} created.`);
    formElement.reset();
    void load();
  };
  const link = (p: number) => `/console/groups?${account ? `account_id=${encodeURIComponent(account)}&` : ''}page=${p}`;

  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">Groups{account ? ` of account ${account}` : ' of every account'}</h1>
      <form class="filters" method="get" action="/console/groups" aria-label="Group filter">
        <label>
          Account id
          <input name="account_id" defaultValue={account} placeholder="every account" />
        </label>
        <div class="buttons">
          <button type="submit">Show</button>
        </div>
      </form>
      <form class="filters" onSubmit={create} aria-label="Create a group">
        <label>
          Account id
          <input name="account_id" defaultValue={account} required />
        </label>
        <label>
          Group name
          <input name="group_name" required />
        </label>
        <label>
          Description
          <input name="description" />
        </label>
        <div class="buttons">
          <button type="submit">Create group</button>
        </div>
      </form>
      {createError ? <ErrorNote error={createError} /> : null}
      <p role="status" class="ok">
        {message}
      </p>
      {error ? <ErrorNote error={error} hint="Check the account id." /> : null}
      {groups && groups.length === 0 ? (
        <Empty>{page > 1 ? 'No groups on this page.' : 'No groups yet. Create one above.'}</Empty>
      ) : null}
      {groups && groups.length > 0 ? (
        <table>
          <caption class="visually-hidden">Groups</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Account</th>
              <th scope="col">Description</th>
              <th scope="col">Created</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <GroupRow key={g.group_id} group={g} onChanged={(m) => (setMessage(m), void load())} />
            ))}
          </tbody>
        </table>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {page > 1 ? <a href={link(page - 1)}>← Previous</a> : null}
        <span>Page {page}</span>
        {groups && groups.length === PAGE_SIZE ? <a href={link(page + 1)}>Next →</a> : null}
      </nav>
    </section>
  );
}
