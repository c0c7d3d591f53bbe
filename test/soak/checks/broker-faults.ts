import { createHmac, randomUUID } from 'node:crypto';
import { parseSse } from '@agentway/sse';
import WebSocket from 'ws';
import type { SoakServer } from '../soak-server';
import { baseline, Check, pool, settle, type CheckResult } from './common';
import { Exchanger, json, type Exchange } from './exchange';
import { codeMessageError, jsonRpcError, openaiError, problemDetail, type ShapeCheck } from './shapes';

/** The topics whose publishes fail: every run's events, the LangStream gateway's topic, the Stripe webhook's. */
const FAULTY_TOPICS = '^(runs\\..*|answers|webhooks\\.stripe)$';
const EVERY = 5;
const STRIPE_SECRET = 'whsec_soak';

/** How one request fared: answered with success, answered with its protocol's error, or wrongly (a hang, a wrong shape). */
type Verdict = { readonly outcome: 'ok' | 'error' } | { readonly outcome: 'bad'; readonly problem: string };

const ok: Verdict = { outcome: 'ok' };
const error: Verdict = { outcome: 'error' };
const bad = (problem: string): Verdict => ({ outcome: 'bad', problem });

/** A refusal before any byte of an answer: a 5xx in the protocol's shape. */
function refused(answer: Exchange & { kind: 'answer' }, shape: ShapeCheck): Verdict {
  if (answer.status < 500) return bad(`HTTP ${answer.status}: ${answer.body.slice(0, 160)}`);
  const problem = shape(answer);
  return problem === undefined ? error : bad(`HTTP ${answer.status}, ${problem}`);
}

/** The SSE events' data, parsed, once the answer is a 200 event stream. */
function sseData(answer: Exchange & { kind: 'answer' }): { event?: string; data: unknown }[] {
  return parseSse(answer.body).events.map((e) => ({ ...(e.event !== undefined && { event: e.event }), data: e.data === '[DONE]' ? '[DONE]' : json(e.data) }));
}

interface FaultCase {
  readonly name: string;
  run(exchanger: Exchanger, i: number): Promise<Verdict>;
}

function judge(outcome: Exchange, shape: ShapeCheck, stream: boolean, onAnswer: (answer: Exchange & { kind: 'answer' }) => Verdict): Verdict {
  if (outcome.kind === 'timeout') return bad('no answer in time (a hang)');
  if (outcome.kind === 'error') return bad(`the connection failed: ${outcome.message}`);
  if (outcome.status !== 200) return refused(outcome, shape);
  if (stream && !outcome.type.startsWith('text/event-stream')) return bad(`a 200 of type ${outcome.type}`);
  return onAnswer(outcome);
}

const CASES: readonly FaultCase[] = [
  {
    name: 'OpenAI chat completion',
    async run(exchanger, i) {
      const text = `hello-${i}`;
      const outcome = await exchanger.send({ path: '/v1/chat/completions', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'echo', messages: [{ role: 'user', content: text }] }) });
      return judge(outcome, openaiError, false, (answer) => {
        const body = json(answer.body) as { choices?: { message?: { content?: unknown } }[] } | undefined;
        return body?.choices?.[0]?.message?.content === text ? ok : bad(`a 200 without the echo: ${answer.body.slice(0, 160)}`);
      });
    },
  },
  {
    name: 'OpenAI chat completion (stream)',
    async run(exchanger) {
      const outcome = await exchanger.send({ path: '/v1/chat/completions', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'ticker', stream: true, messages: [{ role: 'user', content: '3:5' }] }) });
      return judge(outcome, openaiError, true, (answer) => {
        const events = sseData(answer);
        const last = events.at(-1)?.data as { error?: { message?: unknown; type?: unknown; code?: unknown } } | '[DONE]' | undefined;
        if (last === '[DONE]') return events.length === 6 ? ok : bad(`[DONE] after ${events.length - 1} chunks, not 5`);
        const e = typeof last === 'object' ? last.error : undefined;
        if (e && typeof e.message === 'string' && e.type === 'server_error' && typeof e.code === 'string') return error;
        return bad(`the stream ended with ${JSON.stringify(last)?.slice(0, 160)}`);
      });
    },
  },
  {
    name: 'AG-UI run (SSE)',
    async run(exchanger) {
      const outcome = await exchanger.send({ path: '/agui/runs/ticker', headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ threadId: 'faults', runId: `faults-${randomUUID()}`, messages: [{ id: 'm', role: 'user', content: '3:5' }], tools: [], context: [], state: {}, forwardedProps: {} }) });
      return judge(outcome, codeMessageError, true, (answer) => {
        const events = sseData(answer).map((e) => e.data as { type?: string; message?: unknown; code?: unknown });
        const last = events.at(-1);
        if (events[0]?.type !== 'RUN_STARTED') return bad(`the stream began with ${JSON.stringify(events[0])}`);
        if (last?.type === 'RUN_FINISHED') return events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').length === 3 ? ok : bad('RUN_FINISHED without its 3 pieces');
        if (last?.type === 'RUN_ERROR' && typeof last.message === 'string' && typeof last.code === 'string') return error;
        return bad(`the stream ended with ${JSON.stringify(last)?.slice(0, 160)}`);
      });
    },
  },
  {
    name: 'A2A SendMessage',
    async run(exchanger, i) {
      const outcome = await exchanger.send({ path: '/a2a/echo/', headers: { 'content-type': 'application/json', 'a2a-version': '1.0' },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'SendMessage', params: { message: { messageId: `m${i}`, role: 'ROLE_USER', parts: [{ text: 'hi' }] } } }) });
      return judge(outcome, jsonRpcError, false, (answer) => {
        const body = json(answer.body) as { id?: unknown; result?: { task?: { status?: { state?: string } } } } | undefined;
        const state = body?.result?.task?.status?.state;
        if (body?.id !== i) return bad(`the answer's id is ${JSON.stringify(body?.id)}`);
        if (state === 'TASK_STATE_COMPLETED') return ok;
        if (state === 'TASK_STATE_FAILED') return error; // the failed task is the protocol's answer to a run that failed
        return bad(`a 200 with task state ${state}: ${answer.body.slice(0, 160)}`);
      });
    },
  },
  {
    name: 'A2A SendStreamingMessage',
    async run(exchanger, i) {
      const outcome = await exchanger.send({ path: '/a2a/ticker/', headers: { 'content-type': 'application/json', 'a2a-version': '1.0', accept: 'text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'SendStreamingMessage', params: { message: { messageId: `m${i}`, role: 'ROLE_USER', parts: [{ text: '3:5' }] } } }) });
      return judge(outcome, jsonRpcError, true, (answer) => {
        const last = sseData(answer).at(-1)?.data as { error?: { code?: unknown }; result?: { statusUpdate?: { status?: { state?: string } } } } | undefined;
        const state = last?.result?.statusUpdate?.status?.state;
        if (state === 'TASK_STATE_COMPLETED') return ok;
        if (state === 'TASK_STATE_FAILED' || Number.isInteger(last?.error?.code)) return error;
        return bad(`the stream ended with ${JSON.stringify(last)?.slice(0, 160)}`);
      });
    },
  },
  {
    name: 'LangStream produce (HTTP)',
    async run(exchanger, i) {
      const outcome = await exchanger.send({ path: '/api/gateways/produce/t/a/in', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: `v${i}` }) });
      return judge(outcome, problemDetail, false, (answer) => (answer.body === '{"status":"OK","reason":null}' ? ok : bad(`a 200 with ${answer.body.slice(0, 160)}`)));
    },
  },
  {
    name: 'Stripe webhook delivery',
    async run(exchanger) {
      const body = JSON.stringify({ id: `evt_${randomUUID().replace(/-/g, '')}`, object: 'event', type: 'soak.fault', data: { object: {} } });
      const t = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', STRIPE_SECRET).update(`${t}.${body}`).digest('hex');
      const outcome = await exchanger.send({ path: '/webhooks/stripe', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${signature}` }, body });
      return judge(outcome, codeMessageError, false, (answer) => (answer.body === '{"received":true}' ? ok : bad(`a 200 with ${answer.body.slice(0, 160)}`)));
    },
  },
];

/** `count` produce frames on one LangStream WebSocket: each answered in order, `OK` or `PRODUCER_ERROR` with a reason. */
async function produceOverWebSocket(base: string, count: number, ms = 15_000): Promise<Verdict[]> {
  const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/v1/produce/t/a/in`, { perMessageDeflate: false });
  try {
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  } catch (err) {
    return [bad(`the produce socket did not open: ${(err as Error).message}`)];
  }
  const answers: string[] = [];
  const all = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      answers.push(String(data));
      if (answers.length === count) resolve();
    });
  });
  for (let i = 0; i < count; i++) ws.send(JSON.stringify({ key: `k${i}`, value: `v${i}` }));
  let timer: NodeJS.Timeout | undefined;
  const done = await Promise.race([all.then(() => true), new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ms); })]);
  clearTimeout(timer);
  const closed = new Promise((resolve) => ws.once('close', resolve));
  ws.close(1000);
  await closed;
  const verdicts = answers.map((text): Verdict => {
    const frame = json(text) as { status?: unknown; reason?: unknown } | undefined;
    if (frame?.status === 'OK' && frame.reason === null) return ok;
    if (frame?.status === 'PRODUCER_ERROR' && typeof frame.reason === 'string' && frame.reason !== '') return error;
    return bad(`a produce response ${text.slice(0, 160)}`);
  });
  if (!done) verdicts.push(bad(`${count - answers.length} of ${count} produce frames got no response (a hang)`));
  return verdicts;
}

/**
 * A broker that fails every `EVERY`-th publish on the run topics, the LangStream topic and the
 * Stripe webhook topic, while `each` requests of every kind run, eight at a time and interleaved
 * (so that the failing publishes land on every step of a run): each must be answered — with
 * success, or with its protocol's error (OpenAI's envelope as a 5xx or in-band, RUN_ERROR or a
 * 5xx before the stream, a failed task or a JSON-RPC error, a PRODUCER_ERROR produce response or
 * a 500 ProblemDetail, a 503 for the webhook) — never a hang, a crash or a wrong shape, and the
 * faults must have reached every kind. Then with the faults off, one of each must succeed, and
 * the server must settle as after any load. Error-level log lines are allowed here, but only for
 * the injected fault (the gateway logs a 5xx it answers as an error).
 */
export async function brokerFaults(server: SoakServer, each: number): Promise<CheckResult> {
  const check = new Check(`a broker that fails every ${EVERY}th publish (${each} requests per kind)`);
  const start = await baseline(server);
  const exchanger = new Exchanger(server.url, 20_000);
  const tally = new Map<string, { ok: number; error: number; bad: number }>();
  const record = (name: string, verdict: Verdict) => {
    const counts = tally.get(name) ?? { ok: 0, error: 0, bad: 0 };
    counts[verdict.outcome]++;
    tally.set(name, counts);
    if (verdict.outcome === 'bad') check.expect(false, `${name}: ${verdict.problem}`);
  };
  await server.faults({ publish: FAULTY_TOPICS, every: EVERY });
  try {
    const jobs = Array.from({ length: each * CASES.length }, (_, i) => i);
    const socket = produceOverWebSocket(server.url, each);
    await pool(jobs, 8, async (job) => {
      const c = CASES[job % CASES.length]!;
      record(c.name, await c.run(exchanger, job));
    });
    for (const verdict of await socket) record('LangStream produce (WebSocket)', verdict);
  } finally {
    await server.faults(undefined);
  }
  for (const [name, counts] of tally) {
    check.figure(name, `${counts.ok} ok, ${counts.error} errors in shape${counts.bad ? `, ${counts.bad} WRONG` : ''}`);
    check.expect(counts.error > 0, `${name}: the faults never reached it (${counts.ok} ok): the check proves nothing`);
  }
  // The faults off: everything works again.
  for (const c of CASES) {
    const verdict = await c.run(exchanger, 1_000_000);
    check.expect(verdict.outcome === 'ok', `${c.name} after the faults: ${verdict.outcome === 'bad' ? verdict.problem : 'an error'}`);
  }
  const after = await produceOverWebSocket(server.url, 3);
  check.expect(after.every((v) => v.outcome === 'ok'), 'LangStream produce (WebSocket) after the faults: not OK');
  exchanger.close();
  const end = await settle(check, server, start, { errorsAllowed: true });
  const faultLines = end.faultErrorCount - start.faultErrorCount;
  const otherLines = end.errorCount - start.errorCount - faultLines;
  check.figure('error log lines (all naming the injected fault)', faultLines);
  check.expect(otherLines === 0, `${otherLines} error log line(s) other than the injected fault: ${end.errors.join(' | ')}`);
  return check.result();
}
