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
 * Runs the tab's live feed with `params` while the calling view is mounted: `load` runs at
 * once and again each time the feed (re)starts from the present; `onEvents` gets the batches.
 * Both are read through refs, so a view may pass fresh closures on every render.
 */
export function useLiveFeed(
  params: URLSearchParams | undefined,
  load: () => void,
  onEvents: (events: FeedEvent[]) => void,
): void {
  const loadRef = useRef(load);
  const eventsRef = useRef(onEvents);
  loadRef.current = load;
  eventsRef.current = onEvents;
  const key = params?.toString();
  useEffect(() => {
    loadRef.current();
    if (params === undefined) return;
    const feed = new LiveFeed(params, {
      // Reload once the feed is open, even right after the load above: rows written between
      // that load and the feed's start would otherwise be missed.
      onOpen: () => loadRef.current(),
      onEvents: (events) => eventsRef.current(events),
      onState: setFeedState,
    });
    feed.start();
    return () => feed.stop();
  }, [key]);
}
