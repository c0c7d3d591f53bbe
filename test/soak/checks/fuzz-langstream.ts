import WebSocket from 'ws';
import { json, leaksStack } from './exchange';
import { accepted, refused, wrong, type FuzzTarget, type Judged } from './fuzz-target';
import { uriComponent, type Mutator } from './mutate';
import { judgeRefusal, problemDetail } from './shapes';

/** A server error's text in a refusal: an exception from inside, not a refusal of the input. */
const INTERNAL = /TypeError|ReferenceError|RangeError|Cannot read|is not a function|is not iterable|undefined \(reading/;

/**
 * Produce frames on one LangStream produce socket, one at a time: each must be answered, in order,
 * with `{"status":"OK","reason":null}` or `{"status":"BAD_REQUEST","reason":"…"}` — never a
 * PRODUCER_ERROR (the broker works), never silence, and the socket must stay open.
 */
export function langstreamFrames(): FuzzTarget {
  let ws: WebSocket | undefined;
  let url = '';
  const connect = async () => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => { socket.once('open', resolve); socket.once('error', reject); });
    return socket;
  };
  return {
    name: 'LangStream produce frames (WebSocket)',
    concurrency: 1,
    async open(base) {
      url = `${base.replace(/^http/, 'ws')}/v1/produce/t/a/in`;
      ws = await connect();
    },
    async close() {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      const closed = new Promise((resolve) => ws!.once('close', resolve));
      ws.close(1000);
      await closed;
    },
    async run({ m }) {
      if (!ws || ws.readyState !== WebSocket.OPEN) ws = await connect();
      const socket = ws;
      const base = { key: m.pick(['k', { a: 1 }, 7, null]), value: m.pick(['v', { a: [1, 2] }, null, 1.5]), headers: { h: '1', n: 2 } };
      const frame = m.text(m.document(base, { key: [null, '', 'k'], value: [null, ''], headers: [null, {}, [], 'x', { a: null }, { a: { b: 1 } }] }));
      const answer = await new Promise<string | { closed: number } | 'timeout'>((resolve) => {
        const onMessage = (data: WebSocket.RawData) => done(String(data));
        const onClose = (code: number) => done({ closed: code });
        const timer = setTimeout(() => done('timeout'), 5_000);
        function done(result: string | { closed: number } | 'timeout') {
          clearTimeout(timer);
          socket.off('message', onMessage).off('close', onClose);
          resolve(result);
        }
        socket.on('message', onMessage).on('close', onClose);
        socket.send(frame);
      });
      if (answer === 'timeout') return wrong(`no produce response to ${JSON.stringify(frame.slice(0, 80))} (a hang)`);
      if (typeof answer === 'object') return wrong(`the socket closed (${answer.closed}) after ${JSON.stringify(frame.slice(0, 80))}`);
      const response = json(answer) as { status?: unknown; reason?: unknown } | undefined;
      if (response?.status === 'OK' && response.reason === null) return accepted;
      if (response?.status === 'BAD_REQUEST' && typeof response.reason === 'string' && !leaksStack(answer) && !INTERNAL.test(response.reason)) return refused;
      return wrong(`${answer.slice(0, 160)} for ${JSON.stringify(frame.slice(0, 80))}`);
    },
  };
}

/** A query string of LangStream's kinds of keys (`param:`, `option:`, credentials), some of them broken. */
function queryString(m: Mutator): string {
  const keys = ['param:user', 'param:session', 'param:', 'option:position', 'option:position', 'option:', 'option:x', 'credentials', 'test-credentials', 'user', '', 'param:user:x'];
  const values = () => m.pick(['latest', 'earliest', '', ' ', 'AAAA', '!!notbase64', 'eyJ4Ijox', Buffer.from(m.string().slice(0, 100)).toString('base64'), m.string().slice(0, 100)]);
  const pairs = Array.from({ length: m.int(5) }, () => {
    const pair = `${uriComponent(m.pick(keys))}=${uriComponent(values())}`;
    return m.chance(0.1) ? pair.replace(/%[0-9A-F]{2}/, '%zz') : pair;
  });
  if (m.chance(0.1)) pairs.push(m.pick(['%', '=', '&', 'param:user', 'option:position=%E0%A4%A']));
  return pairs.join('&');
}

/** A WebSocket handshake: opened (then closed), or refused with a status and body. */
function handshake(url: string): Promise<{ opened: true } | { opened: false; status: number; type: string; body: string } | { failed: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 10_000 });
    ws.once('open', () => {
      ws.once('close', () => resolve({ opened: true }));
      ws.close(1000);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => {
        resolve({ opened: false, status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body });
      });
    });
    ws.once('error', (err) => resolve({ failed: err.message }));
  });
}

/**
 * Query strings on LangStream's WebSocket handshakes (consume, produce) and on its HTTP produce:
 * a handshake opens, or is refused as LangStream refuses it — 500 for an invalid request (its own
 * choice, kept for compatibility), 401 — with a ProblemDetail that names the input, not an
 * exception from inside; the HTTP produce answers 200 or a 4xx ProblemDetail.
 */
export const langstreamQuery: FuzzTarget = {
  name: 'LangStream query strings (handshakes, HTTP produce)',
  concurrency: 8,
  async run({ base, exchanger, m }) {
    const query = queryString(m);
    const where = m.int(3);
    if (where === 2) {
      const verdict = judgeRefusal(await exchanger.send({ path: `/api/gateways/produce/t/a/in?${query}`, headers: { 'content-type': 'application/json' }, body: '{"value":"q"}' }), problemDetail);
      return verdict.ok ? (verdict.refused ? refused : accepted) : wrong(`HTTP produce ?${query}: ${verdict.problem}`);
    }
    const path = where === 0 ? '/v1/consume/t/a/out' : '/v1/produce/t/a/in';
    const result = await handshake(`${base.replace(/^http/, 'ws')}${path}?${query}`);
    if ('failed' in result) return wrong(`${path}?${query}: ${result.failed}`);
    if (result.opened) return accepted;
    const answer = { kind: 'answer' as const, status: result.status, type: result.type, body: result.body };
    const problem = result.status === 500 || result.status === 401 || (result.status >= 400 && result.status < 500) ? problemDetail(answer) : `HTTP ${result.status}`;
    if (problem !== undefined) return wrong(`${path}?${query}: ${problem}`);
    const detail = String((json(result.body) as { detail?: unknown }).detail);
    return INTERNAL.test(detail) ? wrong(`${path}?${query}: an exception from inside: ${detail.slice(0, 160)}`) : refused;
  },
};

/** A binary frame on a produce socket closes it with 1003, as on LangStream. */
export async function binaryFrame(base: string): Promise<Judged> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/produce/t/a/in`, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const code = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => { ws.terminate(); resolve(-1); }, 5_000);
    ws.once('close', (c) => { clearTimeout(timer); resolve(c); });
    ws.send(Buffer.from([0, 1, 2]), { binary: true });
  });
  return code === 1003 ? refused : wrong(`a binary frame closed the socket with ${code}, not 1003`);
}
