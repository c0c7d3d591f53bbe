// A chat page on AG-UI, with no library and no build step: it posts a RunAgentInput to
// POST /agui/runs/<agent> with `Accept: text/event-stream`, reads the response body as it arrives
// (fetch + ReadableStream), and renders each AG-UI event: text as it streams, tool calls and their
// results, errors. The conversation (AG-UI messages) goes back with every new message.
'use strict';

const log = document.getElementById('log');
const form = document.getElementById('composer');
const input = document.getElementById('message');
const send = document.getElementById('send');
const agentSelect = document.getElementById('agent');
const threadId = crypto.randomUUID();
/** The conversation so far, as AG-UI messages. */
const messages = [];

function bubble(kind, text) {
  const element = document.createElement('div');
  element.className = `message ${kind}`;
  element.textContent = text;
  log.append(element);
  element.scrollIntoView({ block: 'end' });
  return element;
}

async function loadAgents() {
  const res = await fetch('/');
  const { agents, defaultAgent } = await res.json();
  for (const { name, description } of agents) {
    const option = new Option(name, name, name === defaultAgent, name === defaultAgent);
    option.title = description;
    agentSelect.append(option);
  }
}

/** Splits an SSE byte stream into the JSON of its `data:` lines, frame by frame. */
async function* aguiEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = frame.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, ''));
      if (data.length > 0) yield JSON.parse(data.join('\n'));
    }
  }
}

/** Renders one run's events and records the messages they make. */
function renderer() {
  const texts = new Map();
  const calls = new Map();
  return function render(event) {
    switch (event.type) {
      case 'TEXT_MESSAGE_START': {
        const message = { id: event.messageId, role: 'assistant', content: '' };
        messages.push(message);
        const element = bubble('assistant streaming', '');
        element.dataset.messageId = event.messageId;
        texts.set(event.messageId, { message, element });
        break;
      }
      case 'TEXT_MESSAGE_CONTENT': {
        const text = texts.get(event.messageId);
        text.message.content += event.delta;
        text.element.textContent = text.message.content;
        break;
      }
      case 'TEXT_MESSAGE_END':
        texts.get(event.messageId).element.classList.remove('streaming');
        break;
      case 'TOOL_CALL_START': {
        const call = { id: event.toolCallId, type: 'function', function: { name: event.toolCallName, arguments: '' } };
        const parent = texts.get(event.parentMessageId)?.message;
        if (parent) (parent.toolCalls ??= []).push(call);
        else messages.push({ id: event.toolCallId, role: 'assistant', toolCalls: [call] });
        const element = bubble('tool-call', `⚙ ${event.toolCallName}(…)`);
        element.dataset.toolCallId = event.toolCallId;
        calls.set(event.toolCallId, { call, element });
        break;
      }
      case 'TOOL_CALL_ARGS': {
        const tool = calls.get(event.toolCallId);
        tool.call.function.arguments += event.delta;
        tool.element.textContent = `⚙ ${tool.call.function.name}(${tool.call.function.arguments})`;
        break;
      }
      case 'TOOL_CALL_RESULT': {
        messages.push({ id: event.messageId, role: 'tool', toolCallId: event.toolCallId, content: event.content });
        const tool = calls.get(event.toolCallId);
        const result = document.createElement('div');
        result.className = 'tool-result';
        result.textContent = `→ ${event.content}`;
        tool?.element.append(result);
        break;
      }
      case 'RUN_ERROR':
        bubble('error', `The run failed: ${event.message}${event.code ? ` (${event.code})` : ''}`);
        break;
      default:
        break;
    }
  };
}

async function run(text) {
  messages.push({ id: crypto.randomUUID(), role: 'user', content: text });
  bubble('user', text);
  const res = await fetch(`/agui/runs/${encodeURIComponent(agentSelect.value)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
    body: JSON.stringify({ threadId, runId: crypto.randomUUID(), messages, tools: [], context: [], state: {}, forwardedProps: {} }),
  });
  if (!res.ok) {
    bubble('error', `HTTP ${res.status}: ${await res.text()}`);
    return;
  }
  const render = renderer();
  for await (const event of aguiEvents(res.body)) render(event);
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  send.disabled = true;
  run(text).catch((err) => bubble('error', String(err))).finally(() => {
    send.disabled = false;
    input.focus();
  });
});

loadAgents().catch((err) => bubble('error', `Cannot list the agents: ${err}`));
