import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Router } from 'express';
import { Applications } from './applications';
import { Heartbeat } from './heartbeat';
import { HttpBody } from './http-body';
import { httpRouter } from './http-router';
import { resolveOptions, type LangStreamGatewayOptions } from './options';
import type { WebSocketLike } from './outbound';
import { PushFrames } from './push-message';
import { WebSocketGateway } from './ws-gateway';

/** What `langstreamGateway()` returns: the HTTP routes, and the ways to serve its WebSockets. */
export interface LangStreamGateway {
  /** `POST /api/gateways/produce/…` and `/api/gateways/service/…`: mount with `app.use(gateway.router)`. */
  readonly router: Router;
  /** Serves the WebSocket routes on `server` (its `upgrade` event); other paths are left to other listeners. */
  attach(server: Server): void;
  /** For a hand-written `upgrade` listener: true when the path was a gateway's (and is now handled). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** For express-ws apps: `app.ws('/v1/:type/:tenant/:application/:gateway', gateway.wsHandler)`. */
  readonly wsHandler: (ws: WebSocketLike, req: IncomingMessage, next: (err?: unknown) => void) => void;
  /** The gateways served, e.g. `WS /v1/consume/acme/chat/answers`. */
  readonly endpoints: readonly string[];
  /**
   * Winds the gateway up: new WebSockets and HTTP calls are refused (503), open sockets are closed
   * with 1001 (going away; those that do not answer within 5 s are terminated), the pings stop and
   * it detaches from the servers. Resolves once the sockets are closed and their sessions released.
   * The broker stays open.
   */
  close(): Promise<void>;
}

/**
 * LangStream's API gateway on agentway: produce, consume and chat over WebSocket, produce and
 * service over HTTP, for the tenants and applications of the options, each from its
 * `gateways.yaml`, on any broker. Options and manifests are checked here, once.
 */
export function langstreamGateway(options: Readonly<LangStreamGatewayOptions>): LangStreamGateway {
  const config = resolveOptions(options);
  const apps = new Applications(config);
  const frames = new PushFrames(config.valueFormat);
  const heartbeat = new Heartbeat(config.pingInterval);
  const ws = new WebSocketGateway(apps, { broker: config.broker, frames, heartbeat, highWaterMark: config.highWaterMark, logger: config.logger }, config.maxPayload);
  const state = { closing: false };
  const router = httpRouter({
    apps, broker: config.broker, frames, body: new HttpBody(config.limit), runtime: config.runtime, serviceTimeout: config.serviceTimeout, state,
  });
  const attached = new Map<Server, (req: IncomingMessage, socket: Duplex, head: Buffer) => void>();

  return Object.freeze({
    router,
    endpoints: Object.freeze(apps.endpoints()),
    handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => ws.handleUpgrade(req, socket, head),
    wsHandler: function langstreamWsHandler(socket: WebSocketLike, req: IncomingMessage, next: (err?: unknown) => void) {
      ws.expressWsHandler(socket, req, next);
    },
    attach(server: Server) {
      if (attached.has(server)) return;
      const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (ws.handleUpgrade(req, socket, head) || server.listenerCount('upgrade') > 1) return;
        // Nobody else listens: answer instead of leaving the client hanging.
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      };
      attached.set(server, onUpgrade);
      server.on('upgrade', onUpgrade);
    },
    async close() {
      state.closing = true;
      await ws.close(); // the upgrade listeners stay meanwhile: a handshake then gets its 503
      for (const [server, listener] of attached) server.off('upgrade', listener);
      attached.clear();
    },
  });
}
