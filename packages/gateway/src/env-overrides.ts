import { FEATURE_NAMES, type FeatureName } from './feature';
import type { GatewayConfig } from './gateway-config';

const invalidEnv = (message: string) => Object.assign(new TypeError(`[@agentway/gateway] ${message}`), { code: 'ERR_GATEWAY_INVALID_ENV' });

const FLAG = /^(true|false|1|0|yes|no|on|off)$/i;

function flag(name: string, value: string): boolean {
  if (!FLAG.test(value)) {
    throw invalidEnv(`environment variable ${name} must be true or false, got ${JSON.stringify(value)}`);
  }
  return /^(true|1|yes|on)$/i.test(value);
}

/** `openaiCompat` → `OPENAI_COMPAT` */
export function envName(feature: FeatureName): string {
  return feature.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * Applies the environment on top of a config: `PORT`, `HOST`, `AGENTWAY_API_KEYS` (comma-separated),
 * `AGENTWAY_BROKER_URL`, `AGENTWAY_BROKER_PREFIX`, `AGENTWAY_MODE`, `AGENTWAY_METRICS=true|false`,
 * `AGENTWAY_SHUTDOWN_TIMEOUT` (ms), `AGENTWAY_GATEWAY_ENABLED` (false: every feature off unless
 * switched on by name) and `AGENTWAY_GATEWAY_<FEATURE>=true|false`.
 */
export function applyEnv(config: GatewayConfig, env: NodeJS.ProcessEnv): GatewayConfig {
  const out: GatewayConfig = { ...config };
  if (env.PORT !== undefined && env.PORT !== '') {
    if (!/^\d{1,5}$/.test(env.PORT) || Number(env.PORT) > 65535) {
      throw invalidEnv(`PORT must be a port number, got ${JSON.stringify(env.PORT)}`);
    }
    out.port = Number(env.PORT);
  }
  if (env.HOST) out.host = env.HOST;
  if (env.AGENTWAY_API_KEYS !== undefined && env.AGENTWAY_API_KEYS.trim() !== '') {
    out.apiKeys = env.AGENTWAY_API_KEYS.split(',').map((k) => k.trim()).filter(Boolean);
  }
  if (env.AGENTWAY_BROKER_URL || env.AGENTWAY_BROKER_PREFIX) {
    out.broker = brokerFromEnv(config.broker, env.AGENTWAY_BROKER_URL || undefined, env.AGENTWAY_BROKER_PREFIX || undefined);
  }
  if (env.AGENTWAY_MODE) out.mode = env.AGENTWAY_MODE as GatewayConfig['mode'];
  if (env.AGENTWAY_METRICS !== undefined && env.AGENTWAY_METRICS !== '') out.metrics = flag('AGENTWAY_METRICS', env.AGENTWAY_METRICS);
  if (env.AGENTWAY_SHUTDOWN_TIMEOUT !== undefined && env.AGENTWAY_SHUTDOWN_TIMEOUT !== '') {
    if (!/^\d{1,9}$/.test(env.AGENTWAY_SHUTDOWN_TIMEOUT)) {
      throw invalidEnv(`AGENTWAY_SHUTDOWN_TIMEOUT must be a number of milliseconds, got ${JSON.stringify(env.AGENTWAY_SHUTDOWN_TIMEOUT)}`);
    }
    out.shutdownTimeout = Number(env.AGENTWAY_SHUTDOWN_TIMEOUT);
  }
  const features: Partial<Record<FeatureName, boolean>> = { ...config.features };
  if (env.AGENTWAY_GATEWAY_ENABLED !== undefined && env.AGENTWAY_GATEWAY_ENABLED !== '') {
    const all = flag('AGENTWAY_GATEWAY_ENABLED', env.AGENTWAY_GATEWAY_ENABLED);
    for (const name of FEATURE_NAMES) features[name] = all;
  }
  for (const name of FEATURE_NAMES) {
    const key = `AGENTWAY_GATEWAY_${envName(name)}`;
    const value = env[key];
    if (value !== undefined && value !== '') features[name] = flag(key, value);
  }
  if (Object.keys(features).length > 0) out.features = features;
  return out;
}

/**
 * `AGENTWAY_BROKER_URL` replaces the file's URL (keeping its prefix); `AGENTWAY_BROKER_PREFIX`
 * sets the prefix of a Redis broker (from either place) — with any other broker it is an error.
 */
function brokerFromEnv(file: GatewayConfig['broker'], url: string | undefined, prefix: string | undefined): GatewayConfig['broker'] {
  const fromFile = typeof file === 'string' ? { url: file } : file !== undefined && !('publish' in file) ? file : undefined;
  const base = url === undefined ? fromFile : url === 'memory' ? undefined : { ...fromFile, url };
  if (prefix === undefined) return base?.prefix === undefined ? url : base; // only the URL was given
  if (base === undefined || base.url === 'memory') {
    throw invalidEnv('AGENTWAY_BROKER_PREFIX applies to a Redis broker: set AGENTWAY_BROKER_URL=redis://… or broker: redis://… in the config');
  }
  return { ...base, prefix };
}
