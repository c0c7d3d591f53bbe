/** The response headers of an event stream (`X-Accel-Buffering: no` keeps nginx from buffering it). */
export const SSE_HEADERS = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
});

/** A comment line that keeps an idle stream open through proxies. Clients ignore it. */
export const HEARTBEAT_FRAME = ': ping\n\n';

export interface SseFrameFields {
  event?: string;
  id?: string;
}

/**
 * One event as SSE text: optional `event:` and `id:` lines, the data split into `data:` lines on
 * any line break (CRLF and CR become LF: some clients, AG-UI's among them, split on LF only), and
 * the blank line that ends it.
 */
export function sseFrame(data: string, fields: SseFrameFields = {}): string {
  let frame = '';
  if (fields.event !== undefined) frame += `event: ${oneLine(fields.event)}\n`;
  if (fields.id !== undefined) frame += `id: ${oneLine(fields.id)}\n`;
  if (!/[\r\n]/.test(data)) return `${frame}data: ${data}\n\n`;
  for (const line of data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}
