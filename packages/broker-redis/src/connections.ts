import { BrokerError } from '@agentway/broker';
import { ClientOfflineError, createClient, ErrorReply, type RedisArgument } from 'redis';
import type { RedisBrokerConfig } from './options';

/** What the broker needs of a node-redis client given as its `client` option: a template to duplicate. */
export interface RedisClient {
  duplicate(overrides?: object): unknown;
}

/** One of the broker's own connections. */
export type Connection = ReturnType<typeof createClient>;

/**
 * Settings forced on every connection the broker opens: RESP3 replies (what the parsers expect), no
 * offline queue (a command sent while Redis is away fails at once, and `run()` decides whether to
 * wait and retry), and no per-command timer (node-redis 6's default 5 s command timeout arms an
 * `AbortSignal.timeout()` per command: it cut pipelined XADD throughput by 4× on these machines).
 */
const OVERRIDES = { RESP: 3, disableOfflineQueue: true, commandOptions: { timeout: 0 } } as const;

/**
 * The broker's connections: one for commands (publishes, acks, scripts, all pipelined by
 * node-redis), plus dedicated ones for blocking reads. Each gets an `error` listener (node-redis
 * exits the process without one) and reconnects by itself.
 */
export class Connections {
  readonly command: Connection;
  private readonly dedicated = new Set<Connection>();
  private readonly readyWaits = new WeakMap<Connection, Promise<void>>();
  private readonly endWaits = new Set<(error?: Error) => void>();
  private lastError: Error | undefined;
  private closed = false;

  private constructor(private readonly config: RedisBrokerConfig) {
    this.command = this.create('agentway');
  }

  /** Opens the command connection, failing with ERR_BROKER_UNAVAILABLE after `connectTimeout`. */
  static async open(config: RedisBrokerConfig): Promise<Connections> {
    const connections = new Connections(config);
    await connections.connect(connections.command);
    return connections;
  }

  /** Where the broker connects, without a password (for messages). */
  get where(): string {
    const url = this.config.url;
    return url ? url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') : 'the Redis of the given client';
  }

  /** A new connection for one blocking reader; give it back with `release()`. */
  async openDedicated(name: string): Promise<Connection> {
    const connection = this.create(name);
    this.dedicated.add(connection);
    try {
      await this.connect(connection);
    } catch (err) {
      this.release(connection);
      throw err;
    }
    return connection;
  }

  release(connection: Connection): void {
    if (this.dedicated.delete(connection)) destroy(connection);
  }

  /**
   * Sends a command. If it could not be sent because the connection is down, waits for it to come
   * back (up to `connectTimeout`) and sends it once more; any other failure is ERR_BROKER_UNAVAILABLE.
   */
  async run<T>(args: readonly RedisArgument[], connection: Connection = this.command): Promise<T> {
    try {
      return await connection.sendCommand<T>(args);
    } catch (err) {
      return this.retry<T>(err, args, connection);
    }
  }

  /** After `sendCommand(args)` failed with `err`: sends it again once connected if it was never sent, else throws. */
  async retry<T>(err: unknown, args: readonly RedisArgument[], connection: Connection = this.command): Promise<T> {
    if (!(err instanceof ClientOfflineError) || this.closed) throw this.unavailable(err, args);
    await this.whenReady(connection);
    try {
      return await connection.sendCommand<T>(args);
    } catch (again) {
      throw this.unavailable(again, args);
    }
  }

  /** Resolves once the connection is up again, or rejects after `connectTimeout` (or at `close()`). One wait is shared. */
  whenReady(connection: Connection): Promise<void> {
    if (connection.isReady) return Promise.resolve();
    if (this.closed) return Promise.reject(new BrokerError('ERR_BROKER_CLOSED', 'the broker is closed'));
    let wait = this.readyWaits.get(connection);
    if (!wait) {
      wait = new Promise<void>((resolve, reject) => {
        const end = (error?: Error) => {
          clearTimeout(timer);
          connection.off('ready', onReady);
          this.endWaits.delete(end);
          if (error) reject(error);
          else resolve();
        };
        const onReady = () => end();
        const timer = setTimeout(() => end(this.unavailable(new Error(`no connection within ${this.config.connectTimeout} ms`))),
          this.config.connectTimeout);
        connection.once('ready', onReady);
        this.endWaits.add(end);
      }).finally(() => this.readyWaits.delete(connection));
      this.readyWaits.set(connection, wait);
    }
    return wait;
  }

  /** A coded error for a failed command; an error reply from Redis names the command. */
  unavailable(err: unknown, args?: readonly RedisArgument[]): BrokerError {
    if (err instanceof BrokerError) return err;
    const what = err instanceof ErrorReply && args ? `Redis refused ${String(args[0])}` : `Redis at ${this.where} is unavailable`;
    return new BrokerError('ERR_BROKER_UNAVAILABLE', `${what}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  /** Destroys the dedicated connections and closes the command one (after its pending replies). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const end of [...this.endWaits]) end(new BrokerError('ERR_BROKER_CLOSED', 'the broker is closed'));
    for (const connection of this.dedicated) destroy(connection);
    this.dedicated.clear();
    if (this.command.isOpen) await this.command.close().catch(() => destroy(this.command));
  }

  private create(name: string): Connection {
    const { url, client } = this.config;
    const overrides = { ...OVERRIDES, name };
    // The command connection is the template of the dedicated ones (same settings, one URL parse).
    const template = (this as { command?: Connection }).command ?? client;
    const connection = (template ? template.duplicate(overrides) : createClient({ url, ...overrides })) as Connection;
    connection.on('error', (err: Error) => {
      this.lastError = err;
      this.config.onError?.(err);
      this.config.logger.warn({ err, connection: name, redis: this.where }, `Redis connection ${name}: ${err.message}`);
    });
    connection.on('reconnecting', () => this.config.logger.info({ connection: name, redis: this.where }, `Redis connection ${name}: reconnecting`));
    return connection;
  }

  private async connect(connection: Connection): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new BrokerError('ERR_BROKER_UNAVAILABLE',
        `cannot connect to Redis at ${this.where} within ${this.config.connectTimeout} ms${this.lastError ? `: ${this.lastError.message}` : ''}`,
        { cause: this.lastError })), this.config.connectTimeout);
    });
    const connecting = connection.connect();
    try {
      await Promise.race([connecting, deadline]);
    } catch (err) {
      connecting.catch(() => undefined);
      destroy(connection);
      throw this.unavailable(err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Closes a connection at once; one that is closed already is left alone. */
function destroy(connection: Connection): void {
  if (connection.isOpen) connection.destroy();
}
