import type { Request, Response } from 'express';
import type { RunErrorInfo, RunInput, Runtime } from '@agentway/agents';
import { loggerOf, type Logger } from '@agentway/observability';
import type { InFlight } from './in-flight';
import { principalOf, type ModelCatalog } from './model-catalog';
import { OpenAICompatError, type OpenAIErrorObject } from './openai-compat-error';
import type { RunAdmission } from './run-admission';

/** What the route handlers share. */
export interface RunServices {
  readonly runtime: Runtime;
  readonly catalog: ModelCatalog;
  readonly admission: RunAdmission;
  /** ms of stream silence before a heartbeat; 0 for none. */
  readonly heartbeat: number;
  /** The requests being answered, wound up by `close()`. */
  readonly inFlight: InFlight;
  readonly logger: Logger;
  /** Leave answered runs on the broker (else they are discarded once answered). */
  readonly keepFinishedRuns: boolean;
}

/**
 * A run started for one request. `left` turns true when nobody is to be answered any more: the
 * client left before the response was complete, or the router's `close()` answered it.
 */
export interface StartedRun {
  readonly runId: string;
  readonly left: boolean;
  /** What `close()` does to this request now (set by the handler: end the stream, or answer 503); default: nothing. */
  onShutdown: (() => void) | undefined;
}

interface RunState extends StartedRun {
  runId: string;
  left: boolean;
  closing: boolean;
}

/**
 * Starts a run for a request: the model must be an agent the caller may use, and a slot must be
 * free. From then on every response says `x-should-retry: false` (the agent may have done work).
 * If the client leaves before the response is complete, the run is cancelled — its agent's signal
 * aborts, the run ends, and so does the view reading it. Resolves `undefined` when the client left
 * while the run was being started.
 */
export async function startRun(services: RunServices, req: Request, res: Response, model: string, input: RunInput): Promise<StartedRun | undefined> {
  if (services.inFlight.closing) throw shuttingDown(false);
  const principal = principalOf(req);
  if (!services.catalog.find(model, principal)) throw services.catalog.notFound(model, principal);
  const release = services.admission.admit(principal);
  const run: RunState = { runId: '', left: false, closing: false, onShutdown: undefined };
  // What close() waits for when it comes while the run is being started (made only then).
  let startSettled: (() => void) | undefined;
  let starting: Promise<void> | undefined;
  const untrack = services.inFlight.add(() => {
    run.closing = true;
    // Still starting: the start settles, then the run is cancelled (below).
    if (run.runId === '') return (starting ??= new Promise((resolve) => { startSettled = resolve; }));
    if (run.left) return undefined;
    run.onShutdown?.();
    run.left = true;
    return cancel(services.runtime, run.runId, 'the server is shutting down');
  });
  res.on('close', () => { // 'close' comes once: no once() wrapper
    release?.();
    untrack();
    if (res.writableFinished || run.left) return;
    run.left = true;
    if (run.runId !== '') {
      loggerOf(req, services.logger).debug({ runId: run.runId }, 'the client left: run cancelled');
      void cancel(services.runtime, run.runId, 'the client closed the connection');
    }
  });
  try {
    run.runId = (await services.runtime.start(principal ? { agent: model, input, principal } : { agent: model, input })).runId;
  } catch (err) {
    release?.();
    startSettled?.();
    throw startError(err);
  }
  if (run.left) {
    startSettled?.();
    void cancel(services.runtime, run.runId, 'the client closed the connection');
    endRun(services, run);
    return undefined;
  }
  if (run.closing) {
    await cancel(services.runtime, run.runId, 'the server is shutting down');
    startSettled?.();
    throw shuttingDown(true);
  }
  startSettled?.();
  return run;
}

/**
 * Answers a started run with `answer`: a failure before anything was sent still says
 * `x-should-retry: false` (the agent may have done work), and the run is ended either way.
 */
export async function answerRun(services: RunServices, res: Response, run: StartedRun, answer: () => Promise<void>): Promise<void> {
  try {
    await answer();
  } catch (err) {
    if (!res.headersSent) res.setHeader('x-should-retry', 'false');
    throw err;
  } finally {
    endRun(services, run);
  }
}

/**
 * The request is over (answered, failed, or left): unless told to keep them, the run's events go
 * once the run has ended, since no OpenAI client can ask for them again. Kept, every finished run
 * would stay in memory (or Redis) for the runtime's `finishedRunTtl`: at a few thousand requests a
 * second, gigabytes, and a garbage collector busy copying them.
 */
function endRun(services: RunServices, run: StartedRun): void {
  if (!services.keepFinishedRuns) services.runtime.discard(run.runId).catch(() => undefined);
}

function cancel(runtime: Runtime, runId: string, reason: string): Promise<void> {
  return runtime.cancel(runId, reason).catch(() => undefined);
}

/**
 * The 503 of a router closing: before a run started, safe to retry elsewhere (`Retry-After`); once
 * one started (and was cancelled), not retried by the SDKs (`x-should-retry: false`).
 */
export function shuttingDown(started: boolean): OpenAICompatError {
  return new OpenAICompatError('ERR_OPENAI_COMPAT_SHUTTING_DOWN', started
    ? 'The server is shutting down: the run was cancelled before it could be answered.'
    : 'The server is shutting down. Retry on another instance.',
  { status: 503, type: 'server_error', errorCode: 'server_shutting_down', headers: started ? NO_RETRY : RETRY_SOON });
}

/** The in-band error of a stream ended by the router's `close()`. */
export const SHUTDOWN_ERROR: Readonly<OpenAIErrorObject> = Object.freeze({
  message: '[@agentway/openai-compat] The server is shutting down: the stream was ended before the run did.',
  type: 'server_error',
  param: null,
  code: 'server_shutting_down',
});

function startError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (code === 'ERR_AGENTS_CLOSED') return shuttingDown(false);
  if (code === 'ERR_AGENTS_INVALID_INPUT') {
    return new OpenAICompatError('ERR_OPENAI_COMPAT_INVALID_REQUEST', String((err as Error).message).replace(/^\[@agentway\/agents\] /, ''),
      { status: 400, type: 'invalid_request_error' });
  }
  return err;
}

/** The error of a run that failed after it started: 500 `server_error` (never retried: `x-should-retry: false`), or in-band. */
export function runFailed(error: RunErrorInfo | undefined): OpenAICompatError {
  return new OpenAICompatError('ERR_OPENAI_COMPAT_RUN_FAILED', `The run failed: ${error?.message ?? 'unknown error'}`,
    { status: 500, type: 'server_error', errorCode: error?.code ?? 'agent_error', headers: NO_RETRY });
}

/** What every response says once a run started: the SDKs must not send the request again. */
export const NO_RETRY: Readonly<Record<string, string>> = Object.freeze({ 'x-should-retry': 'false' });

const RETRY_SOON: Readonly<Record<string, string>> = Object.freeze({ 'Retry-After': '1' });

/** The OpenAI id of a run's completion (`chatcmpl-…`, `resp_…`): the run id's uuid, so logs can be matched. */
export function idFor(prefix: string, runId: string): string {
  return prefix + (runId.startsWith('run_') ? runId.slice(4) : runId);
}
