import { createHash } from 'node:crypto';

/**
 * The principal LangStream derives from a `test-credentials` value (whatever the test provider
 * returned): `subject`, `name` and `login` are the lowercase hex SHA-256 of the credential, `email`
 * is `<subject>@locahost` (sic, LangStream's spelling) and `id` the decimal Java `String.hashCode()`
 * of the subject — so headers and filters see the same values as on LangStream.
 */
export function testPrincipal(credentials: string): Record<string, string> {
  const subject = createHash('sha256').update(credentials, 'utf8').digest('hex');
  return { subject, email: `${subject}@locahost`, name: subject, login: subject, id: String(javaHashCode(subject)) };
}

/** Java's `String.hashCode()`: 32-bit signed, over UTF-16 code units. */
export function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}
