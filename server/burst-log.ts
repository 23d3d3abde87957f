/**
 * The server's log, one line per burst: the first line of a kind is written at once, the rest of
 * that kind within the window are counted, and the count is written with the next line of the
 * kind after the window (or at stop). An unauthenticated client sending malformed paths or
 * causing errors in a loop therefore writes one line a minute, not one per request. Kinds are
 * fixed strings chosen by the server, never taken from a request.
 */
import { english } from '../common/i18n/catalog.js';

export class BurstLog {
  private readonly kinds = new Map<string, { sinceMs: number; suppressed: number }>();

  constructor(
    private readonly write: (line: string) => void,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  line(kind: string, text: () => string): void {
    const t = this.now();
    const k = this.kinds.get(kind);
    if (k && t - k.sinceMs < this.windowMs) {
      k.suppressed++;
      return;
    }
    if (k && k.suppressed > 0) this.summary(kind, k.suppressed);
    this.kinds.set(kind, { sinceMs: t, suppressed: 0 });
    this.write(text());
  }

  private summary(kind: string, count: number): void {
    this.write(english({ key: 'server:logSuppressed', params: { count, kind } }));
  }

  /** Writes the counts still pending (at stop). */
  flush(): void {
    for (const [kind, k] of this.kinds) if (k.suppressed > 0) this.summary(kind, k.suppressed);
    this.kinds.clear();
  }
}
