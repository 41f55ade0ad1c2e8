import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useFeedState } from '../lib/feed-state';

const FEED_TEXT = {
  connecting: 'Live feed: connecting…',
  live: 'Live',
  retrying: 'Live feed disconnected: retrying. What you see may be out of date.',
  paused: 'Live feed paused while this tab is hidden.',
} as const;

function NavLink({ href, children }: { href: string; children: ComponentChildren }) {
  const { path } = useLocation();
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <a href={href} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  const feed = useFeedState();
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">luna-streams console</span>
        <nav aria-label="Console">
          <NavLink href="/console/streams">Streams</NavLink>
          <NavLink href="/console/groups">Groups</NavLink>
          <NavLink href="/console/queue">Queue</NavLink>
        </nav>
        <nav aria-label="Elsewhere" class="outside">
          <a href="/docs/spec">API reference</a>
          <a href="/docs/dev">Manual</a>
          <a href="/admin/queues">Queue dashboard</a>
        </nav>
        <span class={`feed feed-${feed}`} role="status" data-feed={feed}>
          {FEED_TEXT[feed]}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
