import { didYouMean } from '@agentway/options';

/**
 * Reads the raw manifest the way LangStream's Jackson binding does: unknown fields are errors,
 * scalars are coerced to strings where a string is expected, `null` means absent, and a field may
 * be spelt by any of its aliases (`produce-options` or `produceOptions`).
 */
export class ManifestIssue extends Error {
  constructor(readonly where: string, readonly reason: string) {
    super(reason);
  }
}

/** A mapping of the manifest, as parsed. */
export type Raw = Readonly<Record<string, unknown>>;

/** A JSON/YAML mapping, or `undefined` for null/absent. */
export function mapping(value: unknown, where: string, type: string): Raw | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ManifestIssue(where, `Cannot deserialize value of type \`${type}\` from ${describe(value)}`);
  }
  return value as Raw;
}

/** Rejects any field not among `known` (each entry: the accepted spellings of one property). */
export function onlyFields(raw: Raw, where: string, type: string, known: readonly (readonly string[])[]): void {
  const names = known.flat();
  for (const field of Object.keys(raw)) {
    if (names.includes(field)) continue;
    const hint = didYouMean(field, names);
    throw new ManifestIssue(where, `Unrecognized field "${field}" (class ${type}), not marked as ignorable `
      + `(known properties: ${known.map((k) => `"${k[0]}"`).join(', ')})${hint ? `; did you mean "${hint}"?` : ''}`);
  }
}

/** The value of the first spelling present (`null` counts as absent). */
export function field(raw: Raw, names: readonly string[]): [unknown, string] {
  for (const name of names) {
    const value = raw[name];
    if (value !== undefined && value !== null) return [value, name];
  }
  return [undefined, names[0]!];
}

/** A string field (numbers and booleans coerced, as Jackson does). */
export function text(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ManifestIssue(where, `Cannot deserialize value of type \`java.lang.String\` from ${describe(value)}`);
}

/** A boolean field (`"true"`/`"false"` accepted, as Jackson does). */
export function flag(value: unknown, where: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ManifestIssue(where, `Cannot deserialize value of type \`boolean\` from ${describe(value)}`);
}

/** A list field, each item read by `item`. */
export function list<T>(value: unknown, where: string, item: (v: unknown, where: string) => T): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new ManifestIssue(where, `Cannot deserialize value of type \`java.util.List\` from ${describe(value)}`);
  return value.map((v, i) => item(v, `${where}[${i}]`));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'Array value';
  if (typeof value === 'object' && value !== null) return 'Object value';
  return `${typeof value === 'string' ? 'String' : typeof value === 'number' ? 'Number' : 'Boolean'} value (${JSON.stringify(value)})`;
}
