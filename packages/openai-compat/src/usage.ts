import type { RunInput, Usage } from '@agentway/agents';

/** Tokens estimated from text when the agent reports none: about four characters per token, rounded up. */
export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

function inputChars(input: RunInput): number {
  let chars = 0;
  for (const message of input.messages) {
    chars += message.content.length;
    if (message.toolCalls) for (const call of message.toolCalls) chars += call.name.length + call.arguments.length;
  }
  return chars;
}

/** The usage of a run: the agent's own report when it yielded one, else an estimate from the text in and out. */
export function usageOf(reported: Usage | undefined, input: RunInput, outputChars: number): Usage {
  if (reported) return reported;
  const prompt = estimateTokens(inputChars(input));
  const completion = estimateTokens(outputChars);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
