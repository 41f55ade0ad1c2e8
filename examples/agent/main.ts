import { runAgent } from './agent';

// `npm run agent`: the reference agent, configured by environment variables. It stops on
// SIGTERM or SIGINT: running work gets AGENT_GRACE_MS to finish, the rest is handed back.
// AGENT_LOG=json prints every event of the kit as one line of JSON instead of sentences.
const env = (name: string, fallback: string) => process.env[name] ?? fallback;

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
const json = process.env.AGENT_LOG === 'json';
const write = (line: string) => process.stdout.write(`${line}\n`);

runAgent({
  apiUrl: env('LUNA_STREAMS_URL', 'http://127.0.0.1:5160'),
  feedbackUrl: process.env.LUNA_STREAMS_FEEDBACK_URL,
  capacity: Number(env('AGENT_CAPACITY', '4')),
  feedbackPeriodMs: Number(env('AGENT_FEEDBACK_PERIOD_MS', '5000')),
  handlerPeriodMs: Number(env('AGENT_HANDLER_PERIOD_MS', '20000')),
  graceMs: Number(env('AGENT_GRACE_MS', '5000')),
  finishAfterSeconds: Number(env('AGENT_FINISH_AFTER_SECONDS', '30')),
  failureRate: Number(env('AGENT_FAILURE_RATE', '0')),
  runSeconds: Number(env('AGENT_RUN_SECONDS', '0')),
  name: env('AGENT_NAME', 'agent'),
  signal: controller.signal,
  ...(json ? { log: () => undefined, onKitEvent: (event) => write(JSON.stringify(event)) } : {}),
}).then((report) => {
  if (!json) write(`agent finished: ${JSON.stringify(report)}`);
  // Idle keep-alive sockets must not hold the process once the agent has stopped.
  process.exit(0);
});
