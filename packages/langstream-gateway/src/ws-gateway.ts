import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { channels } from '@agentway/observability';
import type { Applications } from './applications';
import { authenticate } from './authenticate';
import { asRequestError, RequestError } from './langstream-error';
import type { WebSocketLike } from './outbound';
import { problemDetail, statusOf } from './problem-detail';
import { parseQueryString, rawQuery } from './query-string';
import { validateRequest } from './validate-request';
import { matchWsRoute, pathOf, type WsRoute } from './ws-route';
import { closeReason, Session, type IncomingFrame, type SessionServices } from './ws-session';

/**
 * The WebSocket side of the gateway. With `handleUpgrade` (a server's `upgrade` event) every
 * check runs before the handshake, so failures are HTTP statuses as on LangStream: 500 for an
 * invalid request, 401 for authentication, with a ProblemDetail body saying why. With
 * `expressWsHandler` (express-ws has already accepted the socket) they are close frames instead.
 */
export class WebSocketGateway {
  private readonly wss: WebSocketServer;
  private readonly sockets = new Map<WebSocketLike, Session>();
  private closed = false;

  constructor(private readonly apps: Applications, private readonly services: SessionServices, maxPayload: number) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false, clientTracking: false });
  }

  /** Takes an `upgrade` whose path is a gateway's; returns false (touching nothing) for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = req.url ?? '/';
    const route = matchWsRoute(pathOf(url));
    if (!route) return false;
    socket.on('error', () => undefined);
    if (this.closed) {
      refuse(socket, 503, SHUTTING_DOWN, url);
      return true;
    }
    void this.prepare(route, url, req, () => socket.destroyed).then((session) => {
      if (this.closed || socket.destroyed) {
        void session.dispose();
        if (this.closed) refuse(socket, 503, SHUTTING_DOWN, url);
        else socket.destroy();
        return;
      }
      socket.once('close', () => void session.dispose()); // ws refused the handshake itself (a bad Sec-WebSocket-Key…)
      this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(session, ws, socket));
    }, (err: RequestError) => {
      if (socket.destroyed) return;
      const status = statusOf(err, 'ws');
      this.services.logger.warn({ status, kind: err.kind, path: pathOf(url) }, `WebSocket refused: ${err.message}`);
      refuse(socket, status, err.message, url);
    });
    return true;
  }

  /**
   * An express-ws route handler (`app.ws('/v1/:type/:tenant/:application/:gateway', handler)`):
   * the socket is already open, so a refused request closes it with 1008 (invalid or not
   * authenticated) or 1011 (a server error), the reason in the close frame.
   */
  expressWsHandler(ws: WebSocketLike, req: IncomingMessage & { originalUrl?: string }, next: (err?: unknown) => void): void {
    const url = req.originalUrl ?? req.url ?? '/';
    const route = matchWsRoute(pathOf(url).replace(/\/\.websocket$/, ''));
    if (!route) return next();
    const queued: IncomingFrame[] = [];
    const queue = (data: IncomingFrame[0], isBinary?: boolean) => void queued.push([data, isBinary]);
    ws.on('message', queue);
    void this.prepare(route, url.replace(/\/\.websocket(?=\?|$)/, ''), req, () => ws.readyState !== 1).then((session) => {
      ws.off('message', queue);
      if (this.closed || ws.readyState !== 1) {
        void session.dispose();
        return;
      }
      this.serve(session, ws, req.socket, queued);
    }, (err: RequestError) => {
      this.services.logger.warn({ kind: err.kind, path: pathOf(url) }, `WebSocket refused: ${err.message}`);
      ws.close(err.kind === 'invalid' || err.kind === 'auth' ? 1008 : 1011, closeReason(err.message));
    });
  }

  private async prepare(route: WsRoute, url: string, req: IncomingMessage, gone: () => boolean): Promise<Session> {
    const controller = new AbortController();
    const abort = () => controller.abort();
    req.socket.once('close', abort);
    try {
      const context = validateRequest(this.apps, { ...route, type: this.typeOf(route), query: parseQueryString(rawQuery(url), 'last') });
      const principal = await authenticate(context, context.app.providers.get(context.gateway), this.apps.testProvider, controller.signal);
      if (gone()) throw new RequestError('internal', 'the client went away');
      return await Session.prepare(this.services, context, principal, req.headers);
    } catch (err) {
      throw asRequestError(err);
    } finally {
      req.socket.off('close', abort);
    }
  }

  /**
   * LangStream's docs give a chat gateway's URL as `/consume/…`: on the documented path (no `/v1`)
   * a consume request for a gateway that only exists as chat is served as chat.
   */
  private typeOf(route: WsRoute): WsRoute['type'] {
    const { tenant, application, gatewayId } = route;
    return route.documented && route.type === 'consume' && !this.apps.has(tenant, application, gatewayId, 'consume')
      && this.apps.has(tenant, application, gatewayId, 'chat') ? 'chat' : route.type;
  }

  private serve(session: Session, ws: WebSocketLike, socket: Duplex, queued?: readonly IncomingFrame[]): void {
    this.sockets.set(ws, session);
    const { kind } = session;
    const openedAt = channels.socketOpen.hasSubscribers ? Date.now() : -1;
    if (openedAt >= 0) channels.socketOpen.publish({ protocol: 'langstream', kind });
    ws.on('close', (code: number) => {
      this.sockets.delete(ws);
      if (openedAt >= 0 && channels.socketClose.hasSubscribers) {
        channels.socketClose.publish({ protocol: 'langstream', kind, duration: Date.now() - openedAt, code });
      }
    });
    session.start(ws, socket, queued);
  }

  /**
   * Stops taking sockets (503 at the handshake), closes every open one with 1001 (going away) and
   * waits for them to close — those that do not answer the close within `grace` ms are terminated
   * — and for their sessions to release what they opened (their consumers, `ClientDisconnected`).
   */
  async close(grace = 5_000): Promise<void> {
    this.closed = true;
    this.services.heartbeat.stop();
    this.wss.close();
    const open = [...this.sockets];
    const closed = open.map(([ws, session]) => new Promise<void>((resolve) => {
      if (ws.readyState === 3) resolve();
      else ws.on('close', () => resolve());
    }).then(() => session.ended()));
    for (const [ws] of open) ws.close(1001, 'the gateway is shutting down');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        for (const [ws] of open) if (ws.readyState !== 3) ws.terminate();
        resolve();
      }, grace);
      timer.unref();
    });
    await Promise.race([Promise.all(closed), late]);
    clearTimeout(timer);
    await Promise.all(closed);
  }
}

const SHUTTING_DOWN = 'the gateway is shutting down';

/** Answers a WebSocket handshake with an HTTP error and a ProblemDetail body, as LangStream does. */
function refuse(socket: Duplex, status: number, detail: string, url: string): void {
  const body = problemDetail(status, detail, pathOf(url));
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`
    + 'Connection: close\r\nContent-Type: application/problem+json\r\n'
    + `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.once('finish', () => socket.destroy());
}
