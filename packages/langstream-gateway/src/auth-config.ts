import { didYouMean } from '@agentway/options';
import { LangStreamGatewayError } from './langstream-error';

/**
 * Reads a provider's `configuration` map as LangStream binds it: unknown keys are errors (with a
 * hint), each key may have aliases (`base-url`, `baseUrl`).
 */
export class AuthConfig {
  private readonly used = new Set<string>();

  constructor(readonly provider: string, private readonly raw: Readonly<Record<string, unknown>>) {}

  fail(reason: string): never {
    throw new LangStreamGatewayError('ERR_LANGSTREAM_GATEWAY_INVALID_AUTH_CONFIG', `${this.provider} authentication`, reason);
  }

  private get(names: readonly string[]): unknown {
    names.forEach((n) => this.used.add(n));
    for (const name of names) if (this.raw[name] !== undefined && this.raw[name] !== null) return this.raw[name];
    return undefined;
  }

  string(...names: string[]): string | undefined {
    const value = this.get(names);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.fail(`"${names[0]}" must be a string`);
  }

  strings(...names: string[]): string[] | undefined {
    const value = this.get(names);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
    return this.fail(`"${names[0]}" must be a list of strings`);
  }

  numbers(...names: string[]): number[] | undefined {
    const value = this.get(names);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => Number.isInteger(Number(v)))) return value.map(Number);
    return this.fail(`"${names[0]}" must be a list of integers`);
  }

  map(...names: string[]): Record<string, string> | undefined {
    const value = this.get(names);
    if (value === undefined) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)
      && Object.values(value as object).every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
      return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, String(v)]));
    }
    return this.fail(`"${names[0]}" must map names to strings`);
  }

  object(...names: string[]): Record<string, unknown> | undefined {
    const value = this.get(names);
    if (value === undefined) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(`"${names[0]}" must be a mapping`);
  }

  /** Call after reading every key: any other key is an error. */
  done(): void {
    for (const key of Object.keys(this.raw)) {
      if (this.used.has(key)) continue;
      const hint = didYouMean(key, this.used);
      this.fail(`unknown configuration key "${key}"${hint ? `; did you mean "${hint}"?` : `; known keys: ${[...this.used].join(', ')}`}`);
    }
  }
}
