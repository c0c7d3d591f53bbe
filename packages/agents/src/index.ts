export type {
  Agent, AgentOutput, AgentResult, AgentSkill, ChatMessage, PrincipalLike, RunContext, RunInput, ToolCall, ToolSpec,
} from './agent';
export { AgentsError } from './agents-error';
export type { AgentsErrorCode } from './agents-error';
export { agentSet, checkAgent, defineAgent } from './define-agent';
export type { AgentSet } from './define-agent';
export { isTerminal } from './run-event';
export type {
  FinishReason, JsonPatchOperation, JsonValue, RunErrorInfo, RunEvent, RunEventRecord, TerminalRunEvent, Usage,
} from './run-event';
export { lastUserText } from './run-input';
export type { ReadRunOptions } from './read-run';
export { createRuntime } from './runtime';
export type { RunHandle, RunResult, Runtime, StartRunOptions } from './runtime';
export type { RuntimeOptions } from './runtime-options';
export { openaiUpstream, type OpenAIUpstreamAgent, type OpenAIUpstreamOptions } from './openai-upstream';
export { serveAgents } from './serve-agents';
export type { AgentWorker, ServeAgentsOptions } from './serve-agents';
export { CONTROL_TOPIC, WORKER_GROUP, requestTopic, runTopic } from './topics';
export { clockAgent } from './demo/clock';
export type { ClockAgentOptions } from './demo/clock';
export { echoAgent } from './demo/echo';
export type { EchoAgentOptions } from './demo/echo';
export { demoAgents } from './demo/demo-agents';
