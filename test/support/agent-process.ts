import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { AgentEvent } from '@luna-streams/client';

// The reference agent (examples/agent, `npm run agent`) as a process of its own, printing
// every event of the kit as a line of JSON, so a test can signal it and read what it did.

const ROOT = join(__dirname, '..', '..');

export interface AgentProcess {
  child: ChildProcess;
  name: string;
  events: AgentEvent[];
  /** The streams it holds now, by its own events: taken and not yet lost, finished or handed back. */
  holding(): Map<string, number>;
  exited: Promise<number | null>;
  output(): string;
}

export function startAgentProcess(name: string, env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(ROOT, 'examples', 'agent', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', AGENT_NAME: name, AGENT_LOG: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: AgentEvent[] = [];
  let output = '';
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      output += `${line}\n`;
      if (line.startsWith('{')) events.push(JSON.parse(line) as AgentEvent);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const holding = () => {
    const held = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'taken') held.set(e.stream_id, e.version);
      else if (e.type === 'lost' || e.type === 'done' || e.type === 'failed' || e.type === 'handed_back') {
        if (held.get(e.stream_id) === e.version) held.delete(e.stream_id);
      }
    }
    return held;
  };
  return { child, name, events, holding, exited, output: () => output };
}
