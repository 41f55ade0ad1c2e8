import { useEffect, useRef, useState } from 'preact/hooks';
import { LiveFeed, type FeedState } from './feed';
import type { FeedEvent } from './live';

// The feed's state for the header's indicator, and the hook a view uses to own the tab's feed.

let current: FeedState = 'connecting';
const listeners = new Set<(state: FeedState) => void>();

function setFeedState(state: FeedState): void {
  current = state;
  for (const listener of listeners) listener(state);
}

export function useFeedState(): FeedState {
  const [state, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    setState(current);
    return () => void listeners.delete(setState);
  }, []);
  return state;
}

/**
 * Runs the tab's live feed with `params` while the calling view is mounted, and loads the
 * view's data each time the feed (re)starts from the present: loaded after the feed is open,
 * nothing written in between is missed, and the data is read once, not once before and once
 * after. When the feed cannot open (the service is away, the tab hidden), or takes longer
 * than OPEN_WAIT_MS, the data is loaded anyway. `onEvents` gets the batches. Both are read
 * through refs, so a view may pass fresh closures on every render. `early`, when given, runs
 * at once, before the feed opens: what it draws is drawn sooner, and corrected by `load`.
 */
export function useLiveFeed(
  params: URLSearchParams | undefined,
  load: () => void,
  onEvents: (events: FeedEvent[]) => void,
  early?: () => void,
): void {
  const loadRef = useRef(load);
  const eventsRef = useRef(onEvents);
  loadRef.current = load;
  eventsRef.current = onEvents;
  const key = params?.toString();
  useEffect(() => {
    if (params === undefined) {
      loadRef.current();
      return;
    }
    early?.();
    let loaded = false;
    const loadNow = () => {
      loaded = true;
      loadRef.current();
    };
    const fallback = setTimeout(() => loaded || loadNow(), OPEN_WAIT_MS);
    const feed = new LiveFeed(params, {
      onOpen: loadNow,
      onEvents: (events) => eventsRef.current(events),
      onState: (state) => {
        setFeedState(state);
        if (!loaded && (state === 'retrying' || state === 'paused')) loadNow();
      },
    });
    feed.start();
    return () => {
      clearTimeout(fallback);
      feed.stop();
    };
  }, [key]);
}

const OPEN_WAIT_MS = 1000;
