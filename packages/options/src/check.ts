import { didYouMean } from './did-you-mean';
import { OptionError } from './option-error';

/** Where a value sits in the options object, and how to report it being wrong. */
export interface CheckContext {
  readonly pkg: string;
  readonly path: string;
  fail(expected: string, value: unknown): never;
  at(key: string | number): CheckContext;
}

/** Checks one value and returns it (possibly normalised). Throws an `OptionError` when wrong. */
export type Check<T> = ((value: unknown, ctx: CheckContext) => T) & { readonly required?: boolean };

/** The checks of an options object, key by key; every key is optional unless wrapped in `required()`. */
export type Schema = Readonly<Record<string, Check<unknown>>>;

/** What a schema yields: optional keys may be `undefined`. */
export type Checked<S extends Schema> = {
  [K in keyof S]: S[K] extends Check<infer T> ? (S[K] extends { required: true } ? T : T | undefined) : never;
};

export function errorCode(pkg: string, reason: string): string {
  return `ERR_${pkg.replace(/[^a-z0-9]+/gi, '_').toUpperCase()}_${reason}`;
}

function context(pkg: string, path: string): CheckContext {
  return {
    pkg,
    path,
    fail(expected, value) {
      throw new OptionError(pkg, errorCode(pkg, 'INVALID_OPTION'), path,
        `${path ? `option "${path}"` : 'options'} must be ${expected}, got ${describe(value)}`);
    },
    at(key) {
      return context(pkg, typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    },
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function checkObject<S extends Schema>(value: unknown, schema: S, ctx: CheckContext): Checked<S> {
  if (!isPlainObject(value)) ctx.fail('an object', value);
  const known = Object.keys(schema);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(schema, key)) {
      const where = ctx.path ? `${ctx.path}.${key}` : key;
      const hint = didYouMean(key, known);
      throw new OptionError(ctx.pkg, errorCode(ctx.pkg, 'UNKNOWN_OPTION'), where,
        `unknown option "${where}"${hint ? `; did you mean "${hint}"?` : `; known options: ${known.join(', ')}`}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const key of known) {
    const check = schema[key]!;
    const given = value[key];
    if (given === undefined) {
      if (check.required) {
        const where = ctx.path ? `${ctx.path}.${key}` : key;
        throw new OptionError(ctx.pkg, errorCode(ctx.pkg, 'MISSING_OPTION'), where, `option "${where}" is required`);
      }
      continue;
    }
    out[key] = check(given, ctx.at(key));
  }
  return out as Checked<S>;
}

/**
 * Checks a factory's options against a schema, once, at construction.
 * Unknown keys are rejected with a did-you-mean hint; `undefined` means "not set".
 */
export function checkOptions<S extends Schema>(pkg: string, options: unknown, schema: S): Checked<S> {
  return checkObject(options ?? {}, schema, context(pkg, ''));
}

export function required<T>(check: Check<T>): Check<T> & { required: true } {
  const wrapped = ((value: unknown, ctx: CheckContext) => check(value, ctx)) as Check<T> & { required: true };
  Object.defineProperty(wrapped, 'required', { value: true });
  return wrapped;
}

export function object<S extends Schema>(schema: S): Check<Checked<S>> {
  return (value, ctx) => checkObject(value, schema, ctx);
}

export function string(opts: { nonEmpty?: boolean } = {}): Check<string> {
  return (value: unknown, ctx: CheckContext) => {
    if (typeof value !== 'string' || (opts.nonEmpty && value.length === 0)) {
      ctx.fail(opts.nonEmpty ? 'a non-empty string' : 'a string', value);
    }
    return value;
  };
}

export function number(opts: { min?: number; max?: number; integer?: boolean } = {}): Check<number> {
  const { min = -Infinity, max = Infinity, integer = false } = opts;
  const kind = integer ? 'an integer' : 'a number';
  const expected = min > -Infinity && max < Infinity ? `${kind} from ${min} to ${max}`
    : min > -Infinity ? `${kind} >= ${min}` : max < Infinity ? `${kind} <= ${max}` : kind;
  return (value: unknown, ctx: CheckContext) => {
    if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max
      || (integer && !Number.isInteger(value))) {
      ctx.fail(expected, value);
    }
    return value;
  };
}

export function boolean(): Check<boolean> {
  return (value, ctx) => (typeof value === 'boolean' ? value : ctx.fail('a boolean', value));
}

export function func<F extends (...args: never[]) => unknown>(): Check<F> {
  return (value, ctx) => (typeof value === 'function' ? (value as F) : ctx.fail('a function', value));
}

export function oneOf<const V extends readonly (string | number | boolean)[]>(...values: V): Check<V[number]> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return (value, ctx) => (values.includes(value as V[number]) ? (value as V[number]) : ctx.fail(expected, value));
}

export function arrayOf<T>(item: Check<T>, opts: { nonEmpty?: boolean } = {}): Check<T[]> {
  return (value: unknown, ctx: CheckContext) => {
    if (!Array.isArray(value) || (opts.nonEmpty && value.length === 0)) {
      ctx.fail(opts.nonEmpty ? 'a non-empty array' : 'an array', value);
    }
    return value.map((v, i) => item(v, ctx.at(i)));
  };
}

export function recordOf<T>(item: Check<T>): Check<Record<string, T>> {
  return (value: unknown, ctx: CheckContext) => {
    if (!isPlainObject(value)) ctx.fail('an object', value);
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(value)) out[k] = item(v, ctx.at(k));
    return out;
  };
}

/** The first check that accepts the value wins; `expected` describes them all in the error. */
export function anyOf<T extends unknown[]>(expected: string, ...checks: { [K in keyof T]: Check<T[K]> }): Check<T[number]> {
  return (value: unknown, ctx: CheckContext) => {
    for (const check of checks) {
      try {
        return check(value, ctx);
      } catch (err) {
        if (!(err instanceof OptionError)) throw err;
      }
    }
    return ctx.fail(expected, value);
  };
}

/** A value that passes `test`, described by `expected` in the error (for instances, duck types). */
export function satisfies<T>(expected: string, test: (value: unknown) => boolean): Check<T> {
  return (value, ctx) => (test(value) ? (value as T) : ctx.fail(expected, value));
}
