import { readFileSync } from 'node:fs';
import { LangStreamGatewayError } from './langstream-error';

/** Reads a `gateways.yaml` file (its text, for the `manifest` option); errors name the file. */
export function readManifest(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new LangStreamGatewayError('ERR_LANGSTREAM_GATEWAY_MANIFEST_FILE', file, `cannot read the manifest: ${(err as Error).message}`, { cause: err });
  }
}
