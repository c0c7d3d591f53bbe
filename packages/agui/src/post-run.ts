import type { Request, Response } from 'express';
import type { RunHandle } from '@agentway/agents';
import { loggerOf } from '@agentway/observability';
import { AguiError } from './agui-error';
import { createFrameEncoder } from './frame-encoder';
import { isRunId } from './is-run-id';
import { shuttingDown, type OpenStreams } from './open-streams';
import type { AguiStreamConfig } from './options';
import { rawQuery, requestDialect } from './request-query';
import { principalOf } from './principal-of';
import { parseRunAgentInput } from './run-agent-input';
import { streamRun } from './stream-run';

/**
 * `POST /agui/runs[/:agent]`: checks the RunAgentInput and starts the run — the client's `runId`
 * becomes the run's id when the runtime can take it as it is; other ids are echoed to the client,
 * not reused — then streams it on this response when the client accepts `text/event-stream` (as
 * `@ag-ui/client`'s HttpAgent does), or answers `202 { run_id, thread_id, stream_url }`.
 */
export async function postRun(config: AguiStreamConfig, streams: OpenStreams, req: Request, res: Response): Promise<void> {
  const dialect = requestDialect(rawQuery(req), config.dialect);
  const type = req.headers['content-type'];
  if (type !== undefined && !req.is('application/json')) {
    throw new AguiError(415, 'ERR_AGUI_UNSUPPORTED_MEDIA_TYPE', `the body must be application/json, got ${JSON.stringify(type.slice(0, 60))}`);
  }
  const { threadId, runId, input } = parseRunAgentInput(type === undefined ? undefined : req.body);
  const agent = req.params.agent as string | undefined;
  const { runtime } = config;
  if (agent !== undefined && !runtime.agents.get(agent)) {
    throw new AguiError(404, 'ERR_AGUI_UNKNOWN_AGENT', `no agent "${agent}"; the agents are: ${runtime.agents.names.join(', ')}`);
  }
  let handle: RunHandle;
  try {
    handle = await runtime.start({
      input,
      ...(agent !== undefined && { agent }),
      ...(isRunId(runId) && { runId }),
      ...(isRunId(threadId) && { threadId }),
      principal: principalOf(req),
    });
  } catch (err) {
    throw startError(err, runId);
  }
  if (!(req.headers.accept ?? '').includes('text/event-stream')) {
    const query = `run_id=${encodeURIComponent(handle.runId)}${dialect === config.dialect ? '' : `&dialect=${dialect}`}`;
    const streamUrl = `${req.baseUrl}/agui/ws?${query}`;
    res.status(202).location(streamUrl).json({ run_id: handle.runId, thread_id: handle.threadId, stream_url: streamUrl });
    return;
  }
  if (streams.closing) throw shuttingDown(); // started while the router closed: the run goes on, readable elsewhere
  await streamRun(runtime, res, handle.runId, createFrameEncoder(dialect, { threadId, runId }), config, streams, loggerOf(req, config.logger));
}

/** What the runtime refuses, as the client's 4xx; anything else (the broker failing) goes on to `next`. */
function startError(err: unknown, runId: string): unknown {
  const { code, message } = err as { code?: unknown; message?: string };
  const reason = typeof message === 'string' ? message.replace(/^\[@agentway\/agents\] /, '') : '';
  switch (code) {
    case 'ERR_AGENTS_RUN_EXISTS':
      return new AguiError(409, 'ERR_AGUI_RUN_EXISTS', `a run "${runId}" exists already: use a new runId`);
    case 'ERR_AGENTS_INVALID_INPUT':
      return new AguiError(400, 'ERR_AGUI_INVALID_INPUT', `invalid RunAgentInput: ${reason}`);
    case 'ERR_AGENTS_UNKNOWN_AGENT':
      return new AguiError(404, 'ERR_AGUI_UNKNOWN_AGENT', reason);
    default:
      return err;
  }
}
