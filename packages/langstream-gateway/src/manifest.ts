/** The gateway types of a LangStream manifest (lower-case, as in `gateways.yaml`). */
export type GatewayType = 'produce' | 'consume' | 'chat' | 'service';

/**
 * A header set on produced records, or an equality filter on consumed ones: a fixed `value`, the
 * value of a `param:` of the request, or a field of the authenticated principal. `key` defaults to
 * the value / parameter name / principal field (LangStream's rule).
 */
export interface KeyValueComparison {
  readonly key: string;
  readonly value?: string;
  readonly valueFromParameters?: string;
  readonly valueFromAuthentication?: string;
}

/** A gateway's `authentication`: which provider, its configuration, whether test mode is allowed. */
export interface GatewayAuthentication {
  readonly provider: string;
  readonly configuration: Readonly<Record<string, unknown>>;
  /** Default true (LangStream's default). */
  readonly allowTestMode: boolean;
}

/** A chat gateway's `chat-options`: the topics of questions and answers, and their headers. */
export interface ChatOptions {
  readonly questionsTopic: string;
  readonly answersTopic: string;
  readonly headers?: readonly KeyValueComparison[];
}

/** A service gateway's `service-options`: an agent, or an input and an output topic. */
export interface ServiceOptions {
  readonly agentId?: string;
  readonly inputTopic?: string;
  readonly outputTopic?: string;
  readonly headers?: readonly KeyValueComparison[];
}

/** One gateway of a manifest, validated (LangStream's `Gateway`). */
export interface GatewayDefinition {
  readonly id: string;
  readonly type: GatewayType;
  readonly topic?: string;
  readonly authentication?: GatewayAuthentication;
  readonly parameters?: readonly string[];
  readonly produceOptions?: { readonly headers?: readonly KeyValueComparison[] };
  readonly consumeOptions?: { readonly filters?: { readonly headers?: readonly KeyValueComparison[] } };
  readonly chatOptions?: ChatOptions;
  readonly serviceOptions?: ServiceOptions;
  readonly eventsTopic?: string;
}

/** A parsed and validated `gateways.yaml`. */
export interface Manifest {
  /** `undefined` when the file has no `gateways` list (LangStream: "no gateways defined for the application"). */
  readonly gateways: readonly GatewayDefinition[] | undefined;
}

/**
 * The topics a gateway reads and writes, by role (manifest names, before any prefix).
 * Used for start-up checks and the events.
 */
export function gatewayTopics(gateway: GatewayDefinition): string[] {
  const topics = [gateway.topic, gateway.eventsTopic, gateway.chatOptions?.questionsTopic, gateway.chatOptions?.answersTopic,
    gateway.serviceOptions?.inputTopic, gateway.serviceOptions?.outputTopic];
  return topics.filter((t): t is string => t !== undefined);
}
