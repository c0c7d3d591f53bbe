import { usageError } from './poller-error';
import type { JobContext } from './run-once';

/**
 * A TypeScript 5 (TC39 standard) method decorator: `@poller.every({ minutes: 15 })` on a method
 * registers the job when an instance is constructed (a static method: when the class is defined),
 * named `<Class>.<method>` unless `name` is given.
 */
export type JobDecorator = <This, Value extends (this: This, context: JobContext) => unknown>(
  method: Value, context: ClassMethodDecoratorContext<This, Value>) => void;

/** Builds the decorator; `register(defaultName, fn)` adds the job bound to its instance. */
export function jobDecorator(register: (name: string, fn: (context: JobContext) => unknown) => unknown): JobDecorator {
  return function pollerJobDecorator(method, context) {
    if (typeof context !== 'object' || context === null || context.kind !== 'method') {
      throw usageError('ERR_POLLER_LEGACY_DECORATOR', 'the job decorators are TypeScript 5 standard decorators (turn experimentalDecorators off), on methods only; or call every(interval, fn) / cron(expression, fn)');
    }
    const member = typeof context.name === 'symbol' ? context.name.description ?? 'symbol' : context.name;
    context.addInitializer(function (this: unknown) {
      const owner = context.static ? (this as { name?: string }).name : (this as object).constructor?.name;
      const bound = (jobContext: JobContext) => method.call(this as never, jobContext);
      register(`${owner || 'anonymous'}.${member}`, bound);
    });
  };
}
