export { listen } from './listen';
export type { Listening } from './listen';
export { readStream } from './read-stream';
export type { StreamRequest, StreamResponse } from './read-stream';
export type { StreamBody } from './stream-body';
export { sseBody, sseJson } from './sse';
export { parseSse } from '@agentway/sse';
export type { ParsedSse, SseEvent } from '@agentway/sse';
export { parseChatCompletionStream } from './parse-chat-completion-stream';
export type {
  ChatCompletionChunk, ChatCompletionChunkChoice, ChatCompletionFinishReason, ChatCompletionToolCall, ChatCompletionToolCallDelta,
  ChatCompletionUsage, OpenAIStreamError, ParsedChatCompletionStream,
} from './parse-chat-completion-stream';
export { parseResponsesStream } from './parse-responses-stream';
export type {
  ParsedResponsesStream, ResponseFunctionCall, ResponseObject, ResponseOutputItem, ResponseOutputText, ResponsesStreamEvent,
} from './parse-responses-stream';
export { parseAguiStream } from './parse-agui-stream';
export type { AGUIEvent } from '@ag-ui/core';
export { parseAguiSimpleStream } from './parse-agui-simple-stream';
export type { AguiSimpleEvent, JsonPatchOperation } from './parse-agui-simple-stream';
export { assertAguiSequence } from './agui-sequence';
export type { AguiSequenceOptions } from './agui-sequence';
export { scriptedAgent } from './scripted-agent';
export type { ScriptStep, ScriptedAgentOptions } from './scripted-agent';
export { signWebhook } from './sign-webhook';
export type { SignWebhookOptions, SignWebhookScheme, SignedWebhook } from './sign-webhook';
export { langstreamClient, LangStreamSocket } from './langstream-client';
export type {
  ConsumePushMessage, GatewayQuery, LangStreamClient, LangStreamClientOptions, LangStreamRecord, ProduceRequestMessage, ProduceResponse, RefusedHandshake,
} from './langstream-client';
export { pollerClock } from './poller-clock';
export type { FakeClockLike, PollerClock, PollerClockDuration, PollerLike } from './poller-clock';
export { redisPrefix } from './redis-prefix';
export type { RedisPrefix, RedisPrefixOptions } from './redis-prefix';
export { redisServer } from './redis-server';
export type { RedisServer, RedisServerOptions } from './redis-server';
export { TestingError } from './testing-error';
export type { TestingErrorCode } from './testing-error';
