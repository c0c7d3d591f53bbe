import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on a loopback port, and how to stop it. */
export interface Listening {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops the server and ends its open connections (keep-alive, SSE, WebSocket). */
  close(): Promise<void>;
}

/** Starts an Express app (or any request listener, or a server) on an ephemeral loopback port. */
export async function listen(app: RequestListener | Server): Promise<Listening> {
  const server = typeof (app as Server).listen === 'function' && !(typeof app === 'function') ? (app as Server) : createServer(app as RequestListener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
