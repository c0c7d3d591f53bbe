import { RequestError } from './langstream-error';
import type { KeyValueComparison } from './manifest';

type Principal = Readonly<Record<string, string>>;

function resolve(entry: KeyValueComparison, parameters: ReadonlyMap<string, string>, principal: Principal): string | undefined {
  if (entry.value !== undefined) return entry.value;
  if (entry.valueFromParameters !== undefined) return parameters.get(entry.valueFromParameters);
  if (entry.valueFromAuthentication !== undefined && Object.hasOwn(principal, entry.valueFromAuthentication)) {
    return principal[entry.valueFromAuthentication];
  }
  return undefined;
}

/**
 * The headers a gateway sets on every record it produces (LangStream's
 * `getProducerCommonHeaders`): a fixed value, a request parameter or a principal field; one that
 * cannot be computed fails the request (`header <key> cannot be empty`).
 */
export function recordHeaders(entries: readonly KeyValueComparison[] | undefined, parameters: ReadonlyMap<string, string>,
  principal: Principal): Readonly<Record<string, string>> {
  const headers: Record<string, string> = Object.create(null);
  for (const entry of entries ?? []) {
    const value = resolve(entry, parameters, principal);
    if (value === undefined) throw new RequestError('invalid', `header ${entry.key} cannot be empty`);
    headers[entry.key] = value;
  }
  return Object.freeze(headers);
}

/**
 * The equality filter a consumer reads through (LangStream's `createMessageFilters`): a record
 * passes when it carries every header with exactly the expected value. `null` when an expected
 * value cannot be computed, or two entries want different values for one header: then no record
 * can pass (LangStream skips them all, silently). Given to the broker as the subscription's
 * `filter`, so records meant for another principal never leave the broker for this socket.
 */
export function recordFilter(entries: readonly KeyValueComparison[] | undefined, parameters: ReadonlyMap<string, string>,
  principal: Principal): Readonly<Record<string, string>> | undefined | null {
  if (!entries || entries.length === 0) return undefined;
  const filter: Record<string, string> = Object.create(null);
  for (const entry of entries) {
    const value = resolve(entry, parameters, principal);
    if (value === undefined || (Object.hasOwn(filter, entry.key) && filter[entry.key] !== value)) return null;
    filter[entry.key] = value;
  }
  return Object.freeze(filter);
}
