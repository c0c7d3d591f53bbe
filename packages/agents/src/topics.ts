/** Topic names the runtime and its workers agree on. */

/** Where a run's events are published. */
export function runTopic(runId: string): string {
  return `runs.${runId}`;
}

/** Where run requests for one agent wait for a worker (a consumer group). */
export function requestTopic(agentName: string): string {
  return `agents.${agentName}.requests`;
}

/** Fan-out control messages to every runtime and worker (cancellation). */
export const CONTROL_TOPIC = 'agentway.control';

/** The consumer group of the workers started by `serveAgents()`. */
export const WORKER_GROUP = 'agentway-workers';

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function isValidRunId(runId: unknown): runId is string {
  return typeof runId === 'string' && RUN_ID.test(runId);
}
