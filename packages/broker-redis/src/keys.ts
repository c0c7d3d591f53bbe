/**
 * The Redis keys of one broker. A topic's stream is `<prefix><topic>`; the broker's other keys put
 * a space right after the prefix, which no topic can contain, so they never collide with a stream.
 */
export class Keys {
  constructor(readonly prefix: string) {}

  /** The stream holding a topic's records. */
  stream(topic: string): string {
    return this.prefix + topic;
  }

  /** The topic whose stream this is. */
  topicOf(streamKey: string): string {
    return streamKey.slice(this.prefix.length);
  }

  /** A topic's own retention (`setRetention()`), as JSON. */
  retention(topic: string): string {
    return `${this.prefix} retention ${topic}`;
  }

  /** A `claim()` key. */
  claim(key: string): string {
    return `${this.prefix} claim ${key}`;
  }
}
