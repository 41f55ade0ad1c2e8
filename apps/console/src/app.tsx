import { LocationProvider, Route, Router } from 'preact-iso';
import { Layout } from './components/layout';
import { GroupsPage } from './views/groups';
import { QueuePage } from './views/queue';
import { StreamCreate } from './views/stream-create';
import { StreamDetail } from './views/stream-detail';
import { StreamsPage } from './views/streams/page';

function NotFound() {
  return (
    <section>
      <h1>No such page in the console</h1>
      <p>
        Open the <a href="/console/streams">streams</a>, the <a href="/console/groups">groups</a> or the{' '}
        <a href="/console/queue">queue</a>.
      </p>
    </section>
  );
}

function Home() {
  // /console itself shows the streams view.
  return <StreamsPage />;
}

export function App() {
  return (
    <LocationProvider scope="/console">
      <Layout>
        <Router>
          <Route path="/console" component={Home} />
          <Route path="/console/streams" component={StreamsPage} />
          <Route path="/console/streams/new" component={StreamCreate} />
          <Route path="/console/streams/:id" component={StreamDetail} />
          <Route path="/console/groups" component={GroupsPage} />
          <Route path="/console/queue" component={QueuePage} />
          <Route default component={NotFound} />
        </Router>
      </Layout>
    </LocationProvider>
  );
}
