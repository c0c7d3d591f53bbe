import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import type { GatewayConfig } from './gateway-config';

/**
 * Reads a YAML config file. Relative paths in it (the agents module, manifests, the pollers
 * module) resolve against the file's folder, which becomes `baseDir`.
 */
export async function loadConfigFile(file: string): Promise<GatewayConfig> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw Object.assign(new Error(`[@agentway/gateway] cannot read the config file ${path}: ${(err as Error).message}`), { code: 'ERR_GATEWAY_CONFIG_FILE' });
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { prettyErrors: true });
  } catch (err) {
    throw Object.assign(new Error(`[@agentway/gateway] ${path} is not valid YAML: ${(err as Error).message}`), { code: 'ERR_GATEWAY_CONFIG_FILE' });
  }
  if (parsed === null || parsed === undefined) parsed = {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw Object.assign(new Error(`[@agentway/gateway] ${path} must hold a mapping (one key per feature)`), { code: 'ERR_GATEWAY_CONFIG_FILE' });
  }
  return { baseDir: dirname(path), ...(parsed as GatewayConfig) };
}
