import { openaiCompat } from '@agentway/openai-compat';
import { aguiStream } from '@agentway/agui';
import { createMemoryBroker, type BrokerRecord } from '@agentway/broker';
import type { RunEvent } from '@agentway/agents';

/**
 * Compiled, never called: the packages' types must be real types, not `any` — each
 * `@ts-expect-error` below fails the build if the line it guards compiles.
 */
export function typeChecks(): void {
  // @ts-expect-error an option openaiCompat() does not have
  openaiCompat({ agents: [], basePth: '/v1' });
  // @ts-expect-error heartbeat is a number of ms
  aguiStream({ agents: [], heartbeat: '15s' });
  // @ts-expect-error publish() returns a promise of the record, not the record
  const record: BrokerRecord<string> = createMemoryBroker().publish('topic', { value: 'x' });
  // @ts-expect-error a text_delta carries its message_id
  const event: RunEvent = { type: 'text_delta', delta: 'hi' };
  void record;
  void event;
}
