import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * Child-process entry of the HTTP benchmarks: `serve.ts <app> <side>` imports bench/apps/<app>,
 * builds the side's app, listens on an ephemeral port, prints `PORT <n>` and stops when its
 * stdin closes.
 */
async function main() {
  const [app, side] = process.argv.slice(2);
  const module = (await import(join(__dirname, 'apps', `${app}.ts`))) as {
    createApp(side: string): Promise<RequestListener | { server: Server; close?(): Promise<void> }>;
  };
  const built = await module.createApp(side!);
  const server = typeof built === 'function' ? createServer(built) : built.server;
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`PORT ${(server.address() as AddressInfo).port}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.closeAllConnections();
    server.close();
    void (typeof built === 'function' ? undefined : built.close?.());
    setTimeout(() => process.exit(0), 200).unref();
  });
}

void main();
