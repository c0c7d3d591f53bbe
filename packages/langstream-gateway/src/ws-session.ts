import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Broker } from '@agentway/broker';
import type { Logger } from '@agentway/observability';
import { Consumer } from './consumer';
import { publishGatewayEvent } from './gateway-events';
import { recordFilter, recordHeaders } from './headers';
import type { Heartbeat } from './heartbeat';
import { RequestError } from './langstream-error';
import { OrderedResponses } from './ordered-responses';
import { Outbound, type WebSocketLike } from './outbound';
import { parseProduceRequest } from './produce-request';
import { Producer } from './producer';
import { decodePosition, type PushFrames } from './push-message';
import type { RequestContext } from './validate-request';

/** What every WebSocket session shares. */
export interface SessionServices {
  readonly broker: Broker;
  readonly frames: PushFrames;
  readonly heartbeat: Heartbeat;
  readonly highWaterMark: number;
  readonly logger: Logger;
}

/** A frame as `ws` hands it over (`ws` 8: Buffer + isBinary; `ws` 7: string for text, Buffer for binary). */
export type IncomingFrame = [data: Buffer | string | ArrayBuffer | Buffer[], isBinary: boolean | undefined];

/**
 * One produce, consume or chat connection. `prepare()` does what LangStream does before the
 * handshake completes — compute the headers, open the reader, write `ClientConnected` — so any
 * failure is still an HTTP status; `start()` then serves the open socket.
 */
export class Session {
  private started = false;
  private ending: Promise<void> | undefined;

  private constructor(private readonly services: SessionServices, private readonly context: RequestContext,
    private readonly headers: IncomingHttpHeaders, private readonly producer: Producer | undefined,
    private readonly consumer: Consumer | undefined) {}

  static async prepare(services: SessionServices, context: RequestContext, principal: Readonly<Record<string, string>>,
    headers: IncomingHttpHeaders): Promise<Session> {
    const { gateway, app, parameters, options } = context;
    const { broker } = services;
    const chat = gateway.chatOptions;
    const from = decodePosition(options.get('position'));
    let consumer: Consumer | undefined;
    if (gateway.type === 'consume' || gateway.type === 'chat') {
      const filter = recordFilter(chat ? chat.headers : gateway.consumeOptions?.filters?.headers, parameters, principal);
      consumer = await Consumer.open(broker, app.topic(chat ? chat.answersTopic : gateway.topic!), from, filter, options.get('position'));
    }
    try {
      const producer = gateway.type === 'produce' || gateway.type === 'chat'
        ? new Producer(broker, app.topic(chat ? chat.questionsTopic : gateway.topic!),
          recordHeaders(chat ? chat.headers : gateway.produceOptions?.headers, parameters, principal))
        : undefined;
      await publishGatewayEvent(broker, 'ClientConnected', context, headers);
      return new Session(services, context, headers, producer, consumer);
    } catch (err) {
      await consumer?.close();
      throw err;
    }
  }

  /** The gateway's type: `produce`, `consume` or `chat`. */
  get kind(): string {
    return this.context.gateway.type;
  }

  /** Resolves once what the session opened is released (after its socket closed). */
  ended(): Promise<void> {
    return this.ending ?? Promise.resolve();
  }

  /** Serves the upgraded socket; `queued` holds frames that arrived before (express-ws). */
  start(ws: WebSocketLike, socket: Duplex, queued: readonly IncomingFrame[] = []): void {
    this.started = true;
    const out = new Outbound(ws, socket, this.services.highWaterMark);
    const responses = this.producer && new OrderedResponses(out, ws, socket);
    const onFrame = (data: IncomingFrame[0], isBinary: boolean | undefined) => {
      if (isBinary === true || (isBinary === undefined && typeof data !== 'string')) {
        ws.close(1003, 'Binary messages not supported');
        return;
      }
      if (!this.producer || !responses) return; // a consumer ignores what its client sends
      const text = typeof data === 'string' ? data : (data as Buffer).toString('utf8');
      let outcome: Promise<unknown>;
      try {
        outcome = this.producer.produce(parseProduceRequest(text));
      } catch (err) {
        outcome = Promise.reject(err);
      }
      responses.add(outcome);
    };
    ws.on('message', onFrame);
    ws.on('error', () => undefined); // ws closes the socket itself after a protocol error
    ws.on('close', () => void this.end(ws));
    this.services.heartbeat.add(ws);
    for (const [data, isBinary] of queued) onFrame(data, isBinary);
    this.consumer?.pump(out, this.services.frames, (err) => {
      const invalid = err instanceof RequestError && err.kind === 'invalid';
      this.services.logger.warn({ err, gateway: this.context.gateway.id, kind: this.kind }, 'a consumer stopped: its socket is closed');
      ws.close(invalid ? 1008 : 1011, closeReason(err.message.replace(/^\[@agentway\/[a-z-]+\] /, '')));
    });
  }

  /** Releases what `prepare()` opened when the socket never got to `start()`. */
  dispose(): Promise<void> {
    return this.started ? Promise.resolve() : this.end();
  }

  private end(ws?: WebSocketLike): Promise<void> {
    this.ending ??= this.release(ws);
    return this.ending;
  }

  private async release(ws?: WebSocketLike): Promise<void> {
    if (ws) this.services.heartbeat.delete(ws);
    await this.consumer?.close().catch(() => undefined);
    await publishGatewayEvent(this.services.broker, 'ClientDisconnected', this.context, this.headers).catch(() => undefined);
  }
}

/** A close reason fits in 123 bytes of UTF-8. */
export function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}
