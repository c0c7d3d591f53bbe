export { a2aCard } from './a2a-card';
export type { A2ACardOptions } from './a2a-card';
export { a2aServer } from './a2a-server';
export type { A2AServer } from './a2a-server';
export type { A2AServerOptions } from './server-options';
export type { CardInput, ShortCard } from './agent-card';
export { RPC_CODES } from './rpc-error';
export { TERMINAL_STATES } from './a2a-types';
export type {
  AgentCapabilities, AgentCard, AgentExtension, AgentInterface, AgentSkill, Artifact, Message, Part, Role,
  SecurityRequirement, SecurityScheme, StreamResponse, Task, TaskArtifactUpdateEvent, TaskState, TaskStatus, TaskStatusUpdateEvent,
} from './a2a-types';
export type { ProtocolVersion } from './protocol-version';
export { A2AClient } from './a2a-client';
export type { A2AClientOptions, DelegateOptions, HeaderSource, TaskCallOptions } from './client-options';
export { A2AClientError } from './a2a-client-error';
export type { A2AClientErrorCode } from './a2a-client-error';
export type { DelegateResult } from './task-result';
