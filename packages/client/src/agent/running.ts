import { StreamFailure, type Handler, type Stream, type VideoInfo } from './types.js';

/** A stream an agent runs: its handler under way, and the result to report once it settles. */
export interface Running {
  stream: Stream;
  version: number;
  controller: AbortController;
  videoInfo?: VideoInfo;
  /** Set when the handler settled: the result to report. */
  outcome?: { status: 'done' | 'failure'; error?: string };
  settled: Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Starts a handler on a stream; `onResult` is told when a result is ready while the stream is still ours. */
export function startStream(stream: Stream, handle: Handler, onResult: () => void): Running {
  const controller = new AbortController();
  const running = { stream, version: stream.version, controller } as Running;
  const work = {
    signal: controller.signal,
    version: stream.version,
    report: (videoInfo: VideoInfo) => {
      running.videoInfo = videoInfo;
    },
  };
  running.settled = Promise.resolve()
    .then(() => handle(stream, work))
    .then(
      (result) => {
        if (result && result.videoInfo) running.videoInfo = result.videoInfo;
        running.outcome = { status: 'done' };
      },
      (error: unknown) => {
        if (error instanceof StreamFailure && error.videoInfo) running.videoInfo = error.videoInfo;
        running.outcome = { status: 'failure', error: message(error) };
      },
    )
    .then(() => {
      if (!controller.signal.aborted) onResult();
    });
  return running;
}
