import { createHash } from 'node:crypto';

/** Longer keys are hashed: lock stores cap key sizes (the broker's `claim` takes at most 1024 characters). */
const MAX_KEY = 256;

/** A lock key `<prefix><name>:<id>`, with the name and id hashed when the whole would be long. */
export function lockKey(prefix: string, name: string, id: string): string {
  const key = `${prefix}${name}:${id}`;
  return key.length <= MAX_KEY ? key : `${prefix}sha256:${createHash('sha256').update(`${name}:${id}`).digest('hex')}`;
}
