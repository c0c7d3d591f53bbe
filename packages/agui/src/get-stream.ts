import type { Request, Response } from 'express';
import { runTopic, type RunEvent } from '@agentway/agents';
import { AguiError } from './agui-error';
import { isRunId } from './is-run-id';
import type { AguiStreamConfig } from './options';
import { principalOf } from './principal-of';
import { rawQuery, requestDialect } from './request-query';
import { shuttingDown } from './open-streams';
import type { FeedStart } from './run-feed';
import type { RunFeeds } from './run-feeds';

/**
 * `GET /agui/ws?run_id=…`: a run's events as SSE, from its start or after `Last-Event-ID` (the
 * header an EventSource sends when it reconnects, or `?last_event_id=`), live until it ends; a 204
 * after the run's last event (an EventSource then stops reconnecting). The run may have been
 * started on another instance sharing the broker; every stream of a run here shares one feed
 * (`RunFeed`). With auth on, a run started by another principal is a 404, as if it did not exist.
 */
export async function getStream(config: AguiStreamConfig, feeds: RunFeeds, req: Request, res: Response): Promise<void> {
  const query = rawQuery(req);
  const dialect = requestDialect(query, config.dialect);
  const runId = query.get('run_id');
  if (!runId) throw new AguiError(400, 'ERR_AGUI_MISSING_RUN_ID', 'the query parameter run_id is required: GET /agui/ws?run_id=<run id>');
  const info = isRunId(runId) ? await config.runtime.broker.describe<RunEvent>(runTopic(runId)) : undefined;
  if (!info || !mayRead(config, req, info.first?.value)) {
    throw new AguiError(404, 'ERR_AGUI_RUN_NOT_FOUND', `no run "${runId}" (it never started, or it finished and expired)`);
  }
  const header = req.headers['last-event-id'];
  const lastEventId = (typeof header === 'string' && header !== '' ? header : undefined) ?? (query.get('last_event_id') || undefined);
  const feed = feeds.acquire(config.runtime, runId, dialect);
  try {
    let start: FeedStart;
    try {
      start = await feed.locate(lastEventId, info.last?.offset);
    } catch (err) {
      throw feeds.streams.closing ? shuttingDown() : notFound(err, runId);
    }
    if (res.destroyed) return; // the client left while the stream was being located
    if (feeds.streams.closing) throw shuttingDown();
    if (start === 'ended') res.status(204).end();
    else feed.attach(res, start, config);
  } finally {
    feed.release();
  }
}

/** Without auth, anyone; with it, whoever started the run (or anyone, for a run started without a principal). */
function mayRead(config: AguiStreamConfig, req: Request, started: RunEvent | undefined): boolean {
  if (!config.auth) return true;
  if (started?.type !== 'run_started') return false;
  return started.principal_id === undefined || started.principal_id === principalOf(req)?.id;
}

/** `ERR_AGENTS_RUN_NOT_FOUND` (the run expired meanwhile) as the 404 it is to a client; other errors as they are. */
function notFound(err: unknown, runId: string): unknown {
  if ((err as { code?: unknown })?.code !== 'ERR_AGENTS_RUN_NOT_FOUND') return err;
  return new AguiError(404, 'ERR_AGUI_RUN_NOT_FOUND', `no run "${runId}" (it never started, or it finished and expired)`);
}
