import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createRedisBroker } from '@agentway/broker-redis';
import type { Logger } from '@agentway/observability';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createRedisBroker() logger', () => {
  it('should report connection errors as warnings, with the connection and the URL without its password', async () => {
    const lines: [string, Record<string, unknown>, string | undefined][] = [];
    const at = (level: string) => (fields: object | string, message?: string) => { lines.push([level, fields as Record<string, unknown>, message]); };
    const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
    const port = await closedPort();
    await assert.rejects(createRedisBroker({ url: `redis://app:s3cret@127.0.0.1:${port}`, connectTimeout: 300, logger }), { code: 'ERR_BROKER_UNAVAILABLE' });
    const warnings = lines.filter(([level]) => level === 'warn');
    assert.ok(warnings.length >= 1);
    const [, fields, message] = warnings[0]!;
    assert.deepEqual([fields.connection, fields.redis, (fields.err as NodeJS.ErrnoException).code], ['agentway', `redis://app:***@127.0.0.1:${port}`, 'ECONNREFUSED']);
    assert.match(message!, /^Redis connection agentway: .*ECONNREFUSED/);
    assert.ok(lines.every(([, f, m]) => !JSON.stringify(f).includes('s3cret') && !m?.includes('s3cret')));
  });

  it('should refuse a logger that is not one', async () => {
    await assert.rejects(createRedisBroker({ logger: {} as Logger }), { code: 'ERR_BROKER_REDIS_INVALID_OPTION' });
  });
});
