import { number, type Check } from './check';

/** The longest delay a Node timer takes: a longer one fires after 1 ms (with a TimeoutOverflowWarning). */
export const MAX_DELAY = 2_147_483_647;

/** A number of ms that ends up in a timer: at least `min`, at most `MAX_DELAY`. */
export function duration(min: number): Check<number> {
  return number({ min, max: MAX_DELAY });
}
