import type { RunInput } from '@agentway/agents';
import type { Message, Part } from './a2a-types';
import { rpcErrors } from './rpc-error';
import { MESSAGE_ID_KEY } from './task-projection';

const TEXTUAL = /^(text\/[\w.+-]+|application\/(json|xml|[\w.-]+\+json|[\w.-]+\+xml))(\s*;.*)?$/i;

/**
 * The run input for an A2A message: one user message whose content is its parts as text — text
 * as is, data as JSON, a URL as the URL, raw bytes of a textual media type decoded as UTF-8 —
 * joined by newlines. Other raw bytes are refused with ContentTypeNotSupported (-32005).
 */
export function messageToInput(message: Message): RunInput {
  const content = message.parts.map(partText).join('\n');
  return { messages: [{ role: 'user', content }], metadata: { [MESSAGE_ID_KEY]: message.messageId } };
}

function partText(part: Part, index: number): string {
  if (part.text !== undefined) return part.text;
  if (part.data !== undefined) return JSON.stringify(part.data);
  if (part.url !== undefined) return part.url;
  const type = part.mediaType ?? '';
  if (!TEXTUAL.test(type)) {
    throw rpcErrors.contentType(`message.parts[${index}] holds ${type ? `${type} bytes` : 'bytes without a mediaType'}; this agent reads text`);
  }
  return Buffer.from(part.raw ?? '', 'base64').toString('utf8');
}
