import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RequestHandler } from 'express';

/**
 * The gateway's HTTP server and its shutdown: every connection is tracked (upgraded WebSockets
 * too, which `closeAllConnections()` does not reach), so that once the features had their time,
 * what is left can be cut.
 */
export class GatewayServer {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private isClosing = false;

  get closing(): boolean {
    return this.isClosing;
  }

  /** Once closing, every response says `Connection: close`: keep-alive clients reconnect elsewhere. */
  readonly closingMiddleware: RequestHandler = (_req, res, next) => {
    if (this.isClosing) res.setHeader('Connection', 'close');
    next();
  };

  async listen(app: RequestListener, port: number, host: string, attach: (server: Server) => void): Promise<{ url: string; server: Server }> {
    const server = createServer(app);
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${shownHost}:${address.port}`, server };
  }

  /** Stops accepting connections and closes the idle ones; resolves once every connection has closed. */
  stopAccepting(): Promise<void> {
    this.isClosing = true;
    const server = this.server;
    if (!server?.listening) return Promise.resolve();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    return closed;
  }

  /** Waits for `work`, at most `ms`: true when it settled in time (the timer does not hold the process). */
  async within(ms: number, work: Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      timer.unref();
    });
    try {
      return await Promise.race([work.then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Cuts every connection still open: HTTP ones (idle or not) and upgraded sockets. */
  cutAll(): void {
    this.server?.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
  }
}
