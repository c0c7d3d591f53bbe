/**
 * Seeded malformed input: a valid document with a few random mutations (a key dropped, a value of
 * another type, an unknown or prototype-polluting key, deep nesting, a long string), and its text
 * sometimes damaged (cut short, a byte changed, garbage appended). The same seed gives the same cases.
 */
export class Mutator {
  constructor(private readonly random: () => number) {}

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A string a parser may not expect: empty, blank, control characters, a lone surrogate, long, markup. */
  string(): string {
    return this.pick([
      () => '', () => ' ', () => 'x', () => '\u0000', () => '\ud800', () => '💥', () => 'a'.repeat(1 + this.int(5_000)),
      () => '<script>alert(1)</script>', () => '${env:HOME}', () => '../../etc/passwd', () => '%00%zz', () => 'null', () => '[]', () => '{}',
      () => 'user', () => 'assistant', () => 'system', () => 'tool', () => 'developer', () => 'ROLE_USER', () => 'echo', () => '2.0',
      () => String(this.random()).slice(2), () => '\r\n\r\n', () => 'é'.repeat(3),
    ])();
  }

  /** Any JSON value, nested at most `depth` deep. */
  value(depth = 2): unknown {
    const kind = this.int(depth > 0 ? 12 : 9);
    switch (kind) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.pick([0, -1, 1, 1.5, -0.5, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER]);
      case 3: case 4: case 5: return this.string();
      case 6: return [];
      case 7: return {};
      case 8: return this.pick(['true', '0', '-1']);
      case 9: return Array.from({ length: 1 + this.int(4) }, () => this.value(depth - 1));
      case 10: return Object.fromEntries(Array.from({ length: 1 + this.int(3) }, () => [this.key(), this.value(depth - 1)]));
      default: return this.nested(10 + this.int(200));
    }
  }

  key(): string {
    return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', 'x', 'type', 'id', 'role', 'content', this.string().slice(0, 40)]);
  }

  /** `depth` arrays or objects inside one another. */
  nested(depth: number): unknown {
    let inner: unknown = this.chance(0.5) ? 'deep' : null;
    for (let i = 0; i < depth; i++) inner = this.chance(0.5) ? [inner] : { a: inner };
    return inner;
  }

  /**
   * `base` (a JSON document, not modified) with 1–3 mutations at random places. `choices` gives, by
   * key, values worth trying there besides random ones (the enum members of a field, say).
   */
  document(base: unknown, choices: Readonly<Record<string, readonly unknown[]>> = {}): unknown {
    // A copy whose own `__proto__` keys stay plain data (JSON.parse makes them own properties).
    let doc = JSON.parse(JSON.stringify(base)) as unknown;
    const count = 1 + this.int(3);
    for (let n = 0; n < count; n++) doc = this.mutateOnce(doc, choices);
    return doc;
  }

  private mutateOnce(doc: unknown, choices: Readonly<Record<string, readonly unknown[]>>): unknown {
    if (this.chance(0.05)) return this.value(); // another root altogether
    const path = this.path(doc);
    if (path.length === 0) return this.chance(0.5) ? this.value() : [doc];
    const parent = path.slice(0, -1).reduce<unknown>((node, step) => (node as Record<string, unknown>)[step], doc) as Record<string, unknown> | unknown[];
    const last = path.at(-1)!;
    const choice = typeof last === 'string' ? choices[last] : undefined;
    const op = this.int(6);
    if (op === 0 && !Array.isArray(parent)) {
      delete parent[last as string];
    } else if (op === 1 && choice) {
      (parent as Record<string | number, unknown>)[last] = this.pick(choice);
    } else if (op === 2 && !Array.isArray(parent)) {
      // An unknown key, as an own property even when it is __proto__.
      Object.defineProperty(parent, this.key(), { value: this.value(), enumerable: true, configurable: true, writable: true });
    } else if (op === 3 && Array.isArray(parent)) {
      parent.push(...Array.from({ length: 1 + this.int(this.chance(0.1) ? 200 : 3) }, () => parent[last as number] ?? this.value()));
    } else {
      (parent as Record<string | number, unknown>)[last] = this.value();
    }
    return doc;
  }

  /** A random path to a node inside `doc` (empty: the root). */
  private path(doc: unknown): (string | number)[] {
    const path: (string | number)[] = [];
    let node = doc;
    for (;;) {
      const keys = Array.isArray(node) ? node.map((_, i) => i) : typeof node === 'object' && node !== null ? Object.keys(node) : [];
      if (keys.length === 0 || (path.length > 0 && this.chance(0.35))) return path;
      const key = this.pick(keys as (string | number)[]);
      path.push(key);
      node = (node as Record<string | number, unknown>)[key];
    }
  }

  /** The document as text, damaged one time in four (cut short, a character changed or inserted, garbage after it). */
  text(doc: unknown): string {
    const text = JSON.stringify(doc) ?? 'undefined';
    if (!this.chance(0.25)) return text;
    const at = this.int(text.length + 1);
    switch (this.int(5)) {
      case 0: return text.slice(0, at);
      case 1: return text.slice(0, at) + this.pick(['"', '{', '}', ']', ',', ':', '\\', '\u0000', 'NaN', 'undefined']) + text.slice(at + 1);
      case 2: return `${text}${this.pick(['}', ' x', '\n{}', ',', '\u0000'])}`;
      case 3: return text.replace(/"/g, "'");
      default: return this.pick(['', ' ', 'null', '[]', '"x"', '1', 'true', '{', '\ufeff{}', '{"a":1,"a":2}']);
    }
  }

  /** A Content-Type for a JSON body, wrong one time in eight. */
  contentType(): string | undefined {
    if (!this.chance(0.125)) return 'application/json';
    return this.pick([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1',
      'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/vnd.api+json', '*/*', 'application/json;;;']);
  }
}

/** `encodeURIComponent` of any string (a lone surrogate becomes U+FFFD rather than a URIError). */
export function uriComponent(text: string): string {
  return encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));
}
