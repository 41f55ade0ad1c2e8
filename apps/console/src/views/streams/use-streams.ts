import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type Stream } from '../../lib/api';
import type { LunaError } from '../../lib/errors';
import { useLiveFeed } from '../../lib/feed-state';
import {
  countPath,
  feedParams,
  listPath,
  STORED_STATUSES,
  type StoredStatus,
  type StreamsView,
} from '../../lib/filters';
import { applyEvents, Replay, type FeedEvent } from '../../lib/live';

// The streams table's data: one page of GET /1/streams and a count per status, kept live by
// the feed. Rows change in place as events arrive; counts are asked again while events come
// in, at most every COUNT_EVERY_MS and never sooner than ten times as long as the last counts
// took, so counting a big table stays a small part of the database's work.

const COUNT_EVERY_MS = 2000;
const COUNT_COST_FACTOR = 10;

export type Counts = Partial<Record<StoredStatus, number>>;

export interface StreamsData {
  rows: readonly Stream[];
  loading: boolean;
  error: LunaError | undefined;
  counts: Counts | undefined;
  countsError: LunaError | undefined;
  reload(): void;
  /** Marks rows removed by this console (the feed says nothing on deletion). */
  markDeleted(ids: string[]): void;
  deleted: ReadonlySet<string>;
}

export function useStreams(view: StreamsView): StreamsData {
  const [rows, setRows] = useState<readonly Stream[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<LunaError>();
  const [counts, setCounts] = useState<Counts>();
  const [countsError, setCountsError] = useState<LunaError>();
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(new Set());
  const replay = useRef(new Replay());
  const generation = useRef(0);
  const countTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastCount = useRef(0);
  const countPause = useRef(COUNT_EVERY_MS);
  const path = listPath(view);

  const countsGeneration = useRef(0);
  const loadCounts = async () => {
    const mine = ++countsGeneration.current;
    lastCount.current = Date.now();
    const asked = STORED_STATUSES.map((status) => [status, countPath(view.filters, status)] as const);
    const answers = await Promise.all(
      asked.map(
        async ([status, p]) => [status, p ? await call<{ streams_count: number }>('GET', p) : undefined] as const,
      ),
    );
    countPause.current = Math.max(COUNT_EVERY_MS, COUNT_COST_FACTOR * (Date.now() - lastCount.current));
    if (mine !== countsGeneration.current) return;
    const next: Counts = {};
    for (const [status, answer] of answers) {
      if (answer === undefined) continue;
      if (!answer.ok) return setCountsError(answer.error);
      next[status] = answer.body.streams_count;
    }
    setCountsError(undefined);
    setCounts(next);
  };

  const latestCounts = useRef(loadCounts);
  latestCounts.current = loadCounts;
  const scheduleCounts = () => {
    if (countTimer.current) return;
    const wait = Math.max(0, lastCount.current + countPause.current - Date.now());
    countTimer.current = setTimeout(() => {
      countTimer.current = undefined;
      void latestCounts.current();
    }, wait);
  };

  const load = async () => {
    const mine = ++generation.current;
    const held = replay.current.hold();
    const answer = await call<{ streams: Stream[] }>('GET', path);
    replay.current.release(held);
    if (mine !== generation.current) return;
    setLoading(false);
    setDeleted(new Set());
    if (!answer.ok) {
      setError(answer.error);
      setRows([]);
      return;
    }
    setError(undefined);
    setRows(applyEvents(answer.body.streams, held));
  };

  const onEvents = (events: FeedEvent[]) => {
    if (!replay.current.offer(events)) setRows((current) => applyEvents(current, events));
    scheduleCounts();
  };

  // The rows first, alone on the connection; the counts once they are drawn. The first rows are
  // asked for while the feed opens, and asked for again (with the counts) once it is open.
  const loadAll = () => void load().then(() => loadCounts());
  useLiveFeed(feedParams(view.filters), loadAll, onEvents, () => void load());
  useEffect(() => () => clearTimeout(countTimer.current), []);
  // The page or a filter the feed does not carry changed: the feed stays, the data reloads.
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    setLoading(true);
    loadAll();
  }, [path]);

  return {
    rows,
    loading,
    error,
    counts,
    countsError,
    reload: loadAll,
    markDeleted: (ids) => {
      setDeleted((current) => new Set([...current, ...ids]));
      scheduleCounts();
    },
    deleted,
  };
}
