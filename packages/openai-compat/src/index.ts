export { openaiCompat } from './openai-compat';
export type { OpenAICompatRouter } from './openai-compat';
export type { OpenAICompatOptions } from './options';
export { OpenAICompatError } from './openai-compat-error';
export type { OpenAICompatErrorCode, OpenAIErrorObject } from './openai-compat-error';
export type { ModelObject } from './model-catalog';
