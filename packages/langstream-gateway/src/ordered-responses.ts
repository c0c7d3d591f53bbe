import type { Duplex } from 'node:stream';
import type { Outbound, WebSocketLike } from './outbound';
import { errorResponse, OK_RESPONSE, ProduceError } from './produce-request';

const MAX_IN_FLIGHT = 1024;

/**
 * The produce responses of one socket, sent in the order of the frames they answer although the
 * broker acknowledges them asynchronously (publishes are pipelined, never awaited one by one).
 * Reading from the client pauses while too many publishes are in flight or the client does not
 * read its responses; nothing is acknowledged before the broker stored it.
 */
export class OrderedResponses {
  /** Responses not sent yet; `slots[i]` answers frame number `base + i`. */
  private slots: (Buffer | undefined)[] = [];
  private base = 0;
  private head = 0;
  private paused = false;
  private waiting = false;
  private readonly resume = () => {
    this.waiting = false;
    this.flow();
  };

  private readonly reading: { pause(): void; resume(): void };

  constructor(private readonly out: Outbound, ws: WebSocketLike, socket: Duplex) {
    // ws 8's own pause() keeps its receiver from resuming the socket behind our back.
    this.reading = typeof ws.pause === 'function' && typeof ws.resume === 'function' ? (ws as Required<WebSocketLike>) : socket;
  }

  /** Queues the response to one frame: OK once `outcome` resolves, its error otherwise. */
  add(outcome: Promise<unknown>): void {
    const index = this.base + this.slots.length;
    this.slots.push(undefined);
    outcome.then(() => this.settle(index, OK_RESPONSE), (err: Error) => {
      const error = err instanceof ProduceError ? err : new ProduceError('PRODUCER_ERROR', err.message.replace(/^\[@agentway\/[a-z-]+\] /, ''));
      this.settle(index, errorResponse(error));
    });
    if (this.slots.length - this.head >= MAX_IN_FLIGHT) this.flow();
  }

  private settle(index: number, frame: Buffer): void {
    this.slots[index - this.base] = frame;
    let sent = false;
    while (this.head < this.slots.length && this.slots[this.head] !== undefined) {
      this.out.send(this.slots[this.head]!);
      this.slots[this.head++] = undefined;
      sent = true;
    }
    if (this.head === this.slots.length || this.head > 4096) {
      this.base += this.head;
      if (this.head === this.slots.length) this.slots.length = 0;
      else this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
    if (sent && (this.paused || this.out.congested)) this.flow();
  }

  private flow(): void {
    const inFlight = this.slots.length - this.head;
    const congested = this.out.congested;
    if (!this.paused && (inFlight >= MAX_IN_FLIGHT || congested)) {
      this.paused = true;
      this.reading.pause();
    } else if (this.paused && inFlight < MAX_IN_FLIGHT / 2 && !congested) {
      this.paused = false;
      this.reading.resume();
    }
    if (this.paused && congested && !this.waiting) {
      this.waiting = true;
      void this.out.drained().then(this.resume);
    }
  }
}
