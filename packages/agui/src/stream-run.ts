import type { Response } from 'express';
import type { Runtime } from '@agentway/agents';
import type { Logger } from '@agentway/observability';
import { SseWriter } from '@agentway/sse';
import { STREAM_ENDED, STREAM_FAILED, type FrameEncoder } from './frame-encoder';
import { SHUTTING_DOWN, type OpenStreams } from './open-streams';
import type { SseTiming } from './options';

const CLIENT_LEFT = Object.freeze(new Error('the client closed the stream'));

/**
 * Streams one run to one client (`POST /agui/runs` with `Accept: text/event-stream`): the run's
 * events from its start as SSE in the encoder's dialect, live until its terminal event, then ends
 * the response. A failure after the headers ends the stream with the dialect's error event —
 * never silently, never hanging. The client leaving (`res` 'close') closes this stream's broker
 * subscription and nothing else: the run is not cancelled. Nor does the router's `close()`, which
 * ends the stream with `RUN_ERROR` `server_shutting_down`.
 */
export async function streamRun(runtime: Runtime, res: Response, runId: string, encoder: FrameEncoder, timing: SseTiming,
  streams: OpenStreams, logger: Logger): Promise<void> {
  if (res.destroyed) return; // the client left while the run was being started: nothing to stream to
  const controller = new AbortController();
  let done = false;
  // Only a client leaving mid-stream aborts the read (with a ready reason: no DOMException per stream).
  const leave = () => {
    if (!done) controller.abort(CLIENT_LEFT);
  };
  const sse = new SseWriter(res, { ...timing, onClose: leave, protocol: 'agui' });
  streams.add(res, () => {
    sse.end(encoder.fail(SHUTTING_DOWN));
    controller.abort(SHUTTING_DOWN);
  });
  try {
    for await (const record of runtime.events(runId, { signal: controller.signal })) {
      const frames = encoder.encode(record);
      if (encoder.ended) return sse.end(frames);
      sse.write(frames);
      if (sse.full) await sse.drained();
      if (sse.closed) return;
    }
    sse.end(encoder.fail(STREAM_ENDED));
  } catch (err) {
    if (!sse.closed) logger.warn({ err, runId }, "reading the run failed: the stream ends with RUN_ERROR stream_failed");
    sse.end(encoder.fail(STREAM_FAILED));
  } finally {
    done = true;
  }
}
