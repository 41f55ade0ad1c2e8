import { runAgent } from './agent';

// `npm run agent`: the reference agent, configured by environment variables.
const env = (name: string, fallback: string) => process.env[name] ?? fallback;

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

runAgent({
  apiUrl: env('LUNA_STREAMS_URL', 'http://127.0.0.1:5160'),
  feedbackUrl: process.env.LUNA_STREAMS_FEEDBACK_URL,
  capacity: Number(env('AGENT_CAPACITY', '4')),
  feedbackPeriodMs: Number(env('AGENT_FEEDBACK_PERIOD_MS', '5000')),
  finishAfterSeconds: Number(env('AGENT_FINISH_AFTER_SECONDS', '30')),
  failureRate: Number(env('AGENT_FAILURE_RATE', '0')),
  runSeconds: Number(env('AGENT_RUN_SECONDS', '0')),
  name: env('AGENT_NAME', 'agent'),
  signal: controller.signal,
}).then((report) => {
  process.stdout.write(`agent finished: ${JSON.stringify(report)}\n`);
});
