import assert from 'node:assert/strict';
import { createMemoryBroker } from '@agentway/broker';

/** What JSON itself makes of a value: the memory broker must store exactly that. */
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('createMemoryBroker() value copies', () => {
  const broker = createMemoryBroker();

  after(() => broker.close());

  async function stored(value: unknown): Promise<unknown> {
    return (await broker.publish('json-copy', { value })).value;
  }

  it('should store plain data exactly as a JSON round trip would, never the same objects', async () => {
    const built = ['piece', ' by', ' piece'].reduce((a, b) => a + b);
    const cases: unknown[] = [
      { type: 'text_delta', message_id: 'msg_1', delta: 'hé \u{1F600} \ud800' },
      { n: -0, nan: Number.NaN, inf: -Infinity, big: 1e308, t: true, f: false, z: null, s: built },
      { gone: undefined, fn: () => 1, sym: Symbol('s'), kept: 1 },
      [1, undefined, () => 1, Symbol('s'), Number.NaN, [], {}, [[['deep']]]],
      { '2': 'b', '1': 'a', z: 1, a: 2 },
      Object.assign(Object.create(null) as object, { proto: 'null' }),
      { input: { messages: [{ role: 'user', content: 'hi', toolCalls: [{ id: 'c', name: 'n', arguments: '{}' }] }], metadata: {} } },
    ];
    for (const value of cases) {
      const copy = await stored(value);
      assert.deepStrictEqual(copy, viaJson(value));
      assert.notEqual(copy, value);
      assert.equal(Object.getPrototypeOf(copy), Array.isArray(value) ? Array.prototype : Object.prototype);
    }
  });

  it('should defer to JSON for what is not plain data: toJSON, Dates, class instances, boxed values, __proto__ keys, deep nesting', async () => {
    class Point { constructor(public x = 1, public y = 2) {} }
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const cases: unknown[] = [
      { when: new Date(0) },
      { custom: { toJSON: () => 'custom' } },
      { toJSON: 'not a function' },
      { point: new Point() },
      { boxed: [new String('s'), new Number(1), new Boolean(false)] },
      JSON.parse('{"__proto__": {"polluted": true}}'),
      deep,
      Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false }),
    ];
    for (const value of cases) assert.deepStrictEqual(await stored(value), viaJson(value));
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('should reject what JSON cannot hold with ERR_BROKER_INVALID_MESSAGE, as before', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const throwing = Object.defineProperty({}, 'boom', { enumerable: true, get() { throw new Error('getter failed'); } });
    for (const value of [cyclic, { big: 1n }, throwing]) {
      await assert.rejects(broker.publish('json-copy', { value }), { code: 'ERR_BROKER_INVALID_MESSAGE' });
    }
  });
});
