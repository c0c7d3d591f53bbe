/**
 * The A2A 1.0 objects as they travel in JSON (ProtoJSON, camelCase), the subset agentway reads and
 * writes. Enums are their string names; a `Part` holds exactly one of `text`, `raw`, `url`, `data`.
 */

/** A task's lifecycle state (A2A 1.0 spelling). */
export type TaskState =
  | 'TASK_STATE_SUBMITTED'
  | 'TASK_STATE_WORKING'
  | 'TASK_STATE_COMPLETED'
  | 'TASK_STATE_FAILED'
  | 'TASK_STATE_CANCELED'
  | 'TASK_STATE_INPUT_REQUIRED'
  | 'TASK_STATE_REJECTED'
  | 'TASK_STATE_AUTH_REQUIRED'
  | 'TASK_STATE_UNSPECIFIED';

/** The states after which a task never changes again. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_STATE_COMPLETED', 'TASK_STATE_FAILED', 'TASK_STATE_CANCELED', 'TASK_STATE_REJECTED',
]);

/** Who wrote a message. */
export type Role = 'ROLE_USER' | 'ROLE_AGENT';

/** One piece of content: exactly one of `text`, `raw` (base64), `url` or `data`. */
export interface Part {
  text?: string;
  raw?: string;
  url?: string;
  data?: unknown;
  metadata?: Record<string, unknown>;
  filename?: string;
  mediaType?: string;
}

/** A message between a client and an agent. */
export interface Message {
  messageId: string;
  role: Role;
  parts: Part[];
  contextId?: string;
  taskId?: string;
  metadata?: Record<string, unknown>;
  extensions?: string[];
  referenceTaskIds?: string[];
}

/** A task's state, when it was reached, and an optional message about it. */
export interface TaskStatus {
  state: TaskState;
  message?: Message;
  /** ISO-8601 UTC with milliseconds. */
  timestamp?: string;
}

/** An output of a task. */
export interface Artifact {
  artifactId: string;
  name?: string;
  description?: string;
  parts: Part[];
  metadata?: Record<string, unknown>;
  extensions?: string[];
}

/** A unit of work: in agentway, a run (`id` = run id, `contextId` = thread id). */
export interface Task {
  id: string;
  contextId: string;
  status: TaskStatus;
  artifacts?: Artifact[];
  history?: Message[];
  metadata?: Record<string, unknown>;
}

/** A change of a task's status, in a stream. */
export interface TaskStatusUpdateEvent {
  taskId: string;
  contextId: string;
  status: TaskStatus;
  metadata?: Record<string, unknown>;
}

/** A new artifact, or a chunk of one (`append`), in a stream. */
export interface TaskArtifactUpdateEvent {
  taskId: string;
  contextId: string;
  artifact: Artifact;
  append?: boolean;
  lastChunk?: boolean;
  metadata?: Record<string, unknown>;
}

/** One frame of a stream: exactly one member is set. */
export interface StreamResponse {
  task?: Task;
  message?: Message;
  statusUpdate?: TaskStatusUpdateEvent;
  artifactUpdate?: TaskArtifactUpdateEvent;
}

/** Where and how an agent is reached. The first entry of a card is the preferred one. */
export interface AgentInterface {
  url: string;
  /** `JSONRPC`, `GRPC`, `HTTP+JSON` or a custom URI. */
  protocolBinding: string;
  /** `Major.Minor`: `1.0` or `0.3`. */
  protocolVersion: string;
  tenant?: string;
}

/** Something the agent can do. */
export interface AgentSkill {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples?: string[];
  inputModes?: string[];
  outputModes?: string[];
  securityRequirements?: SecurityRequirement[];
}

/** An extension of the protocol the agent supports. */
export interface AgentExtension {
  uri: string;
  description?: string;
  required?: boolean;
  params?: Record<string, unknown>;
}

/** The optional features an agent supports. */
export interface AgentCapabilities {
  streaming?: boolean;
  pushNotifications?: boolean;
  extendedAgentCard?: boolean;
  extensions?: AgentExtension[];
}

/** A security scheme, keyed by its kind (ProtoJSON one-of). */
export interface SecurityScheme {
  apiKeySecurityScheme?: { location: 'query' | 'header' | 'cookie'; name: string; description?: string };
  httpAuthSecurityScheme?: { scheme: string; bearerFormat?: string; description?: string };
  oauth2SecurityScheme?: { flows: Record<string, unknown>; oauth2MetadataUrl?: string; description?: string };
  openIdConnectSecurityScheme?: { openIdConnectUrl: string; description?: string };
  mtlsSecurityScheme?: { description?: string };
}

/** `{ schemes: { <scheme name>: { list: [scopes] } } }`: all of them are needed. */
export interface SecurityRequirement {
  schemes: Record<string, { list: string[] }>;
}

/** The agent card (A2A 1.0). */
export interface AgentCard {
  name: string;
  description: string;
  version: string;
  supportedInterfaces: AgentInterface[];
  capabilities: AgentCapabilities;
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentSkill[];
  provider?: { organization: string; url: string };
  documentationUrl?: string;
  iconUrl?: string;
  securitySchemes?: Record<string, SecurityScheme>;
  securityRequirements?: SecurityRequirement[];
  signatures?: { protected: string; signature: string; header?: Record<string, unknown> }[];
}
