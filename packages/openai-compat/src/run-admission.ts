import type { PrincipalLike } from '@agentway/agents';
import { OpenAICompatError } from './openai-compat-error';

/**
 * Bounds the runs in progress: over `maxConcurrentRuns` a request is answered 503 (the server is
 * busy; nothing started, safe to retry), over `maxConcurrentRunsPerPrincipal` 429 (this caller
 * has enough going on); both with `Retry-After` and `retry-after-ms`, which the SDKs honour.
 */
export class RunAdmission {
  private active = 0;
  private readonly byPrincipal = new Map<string, number>();
  private readonly retryHeaders: Readonly<Record<string, string>>;

  constructor(private readonly max: number, private readonly perPrincipal: number, retryAfter: number) {
    this.retryHeaders = Object.freeze({ 'Retry-After': String(retryAfter), 'retry-after-ms': String(retryAfter * 1000) });
  }

  /** Takes a slot, or throws the 503/429; call the returned function (once) when the run's response is over. */
  admit(principal: PrincipalLike | undefined): (() => void) | undefined {
    if (this.max === Infinity && this.perPrincipal === Infinity) return undefined;
    if (this.active >= this.max) {
      throw new OpenAICompatError('ERR_OPENAI_COMPAT_OVERLOADED', 'The server is overloaded: too many runs in progress. Retry after a moment.',
        { status: 503, type: 'server_error', errorCode: 'server_overloaded', headers: this.retryHeaders });
    }
    const key = principal?.id ?? '';
    const mine = this.byPrincipal.get(key) ?? 0;
    if (mine >= this.perPrincipal) {
      throw new OpenAICompatError('ERR_OPENAI_COMPAT_RATE_LIMITED',
        `Rate limit reached: at most ${this.perPrincipal} runs in progress at once per caller. Retry after a moment.`,
        { status: 429, type: 'requests', errorCode: 'rate_limit_exceeded', headers: this.retryHeaders });
    }
    this.active++;
    this.byPrincipal.set(key, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = this.byPrincipal.get(key)! - 1;
      if (left === 0) this.byPrincipal.delete(key);
      else this.byPrincipal.set(key, left);
    };
  }
}
