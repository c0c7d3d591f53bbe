import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkGatewayConfig, createGateway, loadConfigFile } from '@agentway/gateway';
import { parseManifest } from '@agentway/langstream-gateway';
import type { Logger } from '@agentway/observability';
import { accepted, refused, wrong, type FuzzTarget, type Judged } from './fuzz-target';
import type { Mutator } from './mutate';

/** A thrown error as a start-up error must be: coded `ERR_<PKG>_…`, its message prefixed `[@agentway/<pkg>]`. */
function judgeThrown(err: unknown, input: string): Judged {
  const { code, message, name, stack } = (err ?? {}) as { code?: unknown; message?: unknown; name?: unknown; stack?: unknown };
  if (typeof code === 'string' && /^ERR_[A-Z_]+$/.test(code) && typeof message === 'string' && /^\[@agentway\/[a-z-]+\] /.test(message)) return refused;
  const frame = typeof stack === 'string' ? stack.split('\n').find((l) => l.includes(' at '))?.trim() : undefined;
  return wrong(`${String(name)} ${JSON.stringify(code)}: ${String(message).slice(0, 160)}${frame ? ` (${frame})` : ''} for ${input.slice(0, 200)}`);
}

/** A text: YAML (or JSON) of the mutated document, damaged one time in four (a character cut, inserted, a tab). */
function yamlText(m: Mutator, doc: unknown): string {
  const text = m.chance(0.8) ? stringify(doc) : JSON.stringify(doc) ?? '';
  if (!m.chance(0.25)) return text;
  const at = m.int(text.length + 1);
  return text.slice(0, at) + m.pick(['', '\t', ':', '- ', '{', '[', '&a ', '*a', '!!binary ', '\n  ', '"', '%YAML 9\n', '<<: *a\n']) + text.slice(at + 1);
}

const MANIFEST = {
  gateways: [
    { id: 'chat', type: 'chat', parameters: ['session-id'], authentication: { provider: 'google', configuration: { clientId: '${secrets.google.client-id}' } },
      'chat-options': { 'questions-topic': 'questions', 'answers-topic': 'answers', headers: [{ 'value-from-parameters': 'session-id' }] }, 'events-topic': 'events' },
    { id: 'in', type: 'produce', topic: 'input', produceOptions: { headers: [{ key: 'user', valueFromAuthentication: 'login' }, { key: 'port', value: 8080 }] },
      authentication: { provider: 'github', 'allow-test-mode': false } },
    { id: 'out', type: 'consume', topic: 'input', 'consume-options': { filters: { headers: [{ key: 'user', 'value-from-authentication': 'login' }] } } },
    { id: 'svc', type: 'service', 'service-options': { 'input-topic': 'in', 'output-topic': 'out' } },
    { id: 'agent', type: 'service', 'service-options': { 'agent-id': 'a1', headers: [{ key: 'h', value: 'v' }] } },
  ],
};
const MANIFEST_CHOICES = {
  type: ['produce', 'consume', 'chat', 'service', 'PRODUCE', ''], provider: ['google', 'github', 'jwt', 'http', 'nope', ''],
  'allow-test-mode': [true, false, 'yes'], parameters: [[], ['a', 'a'], [''], 'a'], id: ['', 'in', 'a b'],
};

/** LangStream manifests, as YAML text or as objects: parsed, or refused with ERR_LANGSTREAM_GATEWAY_INVALID_MANIFEST. */
export const manifests: FuzzTarget = {
  name: 'LangStream manifests (in-process)',
  concurrency: 1,
  async run({ m }) {
    const doc = m.document(MANIFEST, MANIFEST_CHOICES);
    const source = m.chance(0.5) ? yamlText(m, doc) : doc as object;
    const input = typeof source === 'string' ? source : JSON.stringify(source);
    try {
      parseManifest(source as string | object, 'fuzz');
      return accepted;
    } catch (err) {
      return judgeThrown(err, input ?? String(source));
    }
  },
};

const CONFIG = {
  broker: 'memory', mode: 'local', apiKeys: ['key-1'], metrics: true, shutdownTimeout: 1000, port: 0, host: '127.0.0.1',
  features: { openaiCompat: true, agui: true, webhooks: true, langstream: true, a2a: true, pollers: false },
  openaiCompat: { basePath: '/v1', maxConcurrentRuns: 10, limit: '1mb' },
  agui: { dialect: 'official', heartbeat: 15000 },
  a2a: { versions: ['1.0', '0.3'], publicUrl: 'http://127.0.0.1:8080' },
  webhooks: { routes: [{ name: 'stripe', scheme: 'stripe', secret: 'whsec_x', tolerance: 300 }, { name: 'gh', scheme: 'github', secrets: ['s1'] }] },
  langstream: { pingInterval: 0, tenants: { t: { applications: { a: { manifest: MANIFEST, topics: ['questions', 'answers', 'events', 'input', 'in', 'out'], agents: { a1: 'http://127.0.0.1:1' } } } } } },
  worker: { concurrency: 2 },
};
const CONFIG_CHOICES = {
  ...MANIFEST_CHOICES,
  broker: ['memory', 'Memory', '', 'kafka://x', { url: 'memory' }, { prefix: 'x' }], mode: ['local', 'workers', 'remote'],
  scheme: ['stripe', 'github', 'slack', 'standard-webhooks', 'hmac-sha256', 'paypal'], dialect: ['official', 'simple', 'x'],
  versions: [['1.0'], ['0.3'], ['2.0'], []], basePath: ['/v1', '/', 'v1', '/v1/*', '/:x'], limit: ['1mb', '1 MB', 'lots', 0, -1],
  pollers: [false, true, 'yes'], manifest: ['', './nope.yaml', {}, { gateways: 'x' }],
};

const logger: Logger = (() => {
  const noop = () => undefined;
  const l: Logger = { debug: noop, info: noop, warn: noop, error: noop, child: () => l };
  return l;
})();

/**
 * Gateway configs — as objects, or as YAML files read by `loadConfigFile()` — checked by
 * `checkGatewayConfig()` and, when they pass, built by `createGateway()` (not listening) and closed:
 * each refusal must be a coded agentway error, never an exception from inside; and what is
 * accepted must not overflow a timer (a duration past 2^31 - 1 ms becomes 1 ms, with a warning).
 */
export function gatewayConfigs(): FuzzTarget {
  let dir = '';
  /** Checks and builds one config (from a file one time in three). */
  const build = async (m: Mutator, i: number, doc: unknown): Promise<Judged> => {
    let input = JSON.stringify(doc) ?? String(doc);
    try {
      if (m.chance(0.3)) {
        const file = join(dir, `config-${i}.yaml`);
        input = yamlText(m, doc);
        writeFileSync(file, input);
        doc = await loadConfigFile(file);
      }
      const config = checkGatewayConfig(doc);
      const gateway = await createGateway(config, { env: {}, logger });
      await gateway.close();
      return accepted;
    } catch (err) {
      return judgeThrown(err, input);
    }
  };
  return {
    name: 'gateway configs (in-process)',
    concurrency: 1,
    async open() {
      dir = mkdtempSync(join(tmpdir(), 'agentway-soak-'));
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
    async run({ m }, i) {
      const doc = m.document(CONFIG, CONFIG_CHOICES);
      const overflows: string[] = [];
      const onWarning = (warning: Error) => {
        if (warning.name === 'TimeoutOverflowWarning') overflows.push(warning.message.split('\n')[0]!);
      };
      process.on('warning', onWarning);
      try {
        const judged = await build(m, i, doc);
        await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
        return overflows.length === 0 ? judged : wrong(`a timer overflowed (${overflows[0]}) for ${(JSON.stringify(doc) ?? '').slice(0, 400)}`);
      } finally {
        process.off('warning', onWarning);
      }
    },
  };
}
