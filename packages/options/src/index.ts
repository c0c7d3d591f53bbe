export { OptionError } from './option-error';
export { didYouMean } from './did-you-mean';
export { duration, MAX_DELAY } from './duration';
export {
  anyOf, arrayOf, boolean, checkOptions, errorCode, func, number, object, oneOf, recordOf, required,
  satisfies, string,
} from './check';
export type { Check, CheckContext, Checked, Schema } from './check';
