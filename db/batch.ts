import type { Db } from './open.js';

/**
 * A long write (a cold index of a million files) split into transactions of `size` operations,
 * so other processes (the sweeper, the app) are never locked out for long.
 */
export class WriteBatch {
  private n = 0;
  private open = false;
  constructor(
    private readonly db: Db,
    private readonly size = 20_000,
  ) {}

  begin(): void {
    if (!this.open && !this.db.inTransaction) {
      this.db.exec('BEGIN IMMEDIATE');
      this.open = true;
    }
  }

  tick(): void {
    this.n++;
    if (this.n >= this.size && this.open) {
      this.db.exec('COMMIT');
      this.open = false;
      this.n = 0;
      this.begin();
    }
  }

  commit(): void {
    if (this.open) this.db.exec('COMMIT');
    this.open = false;
    this.n = 0;
  }

  rollback(): void {
    if (this.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    this.open = false;
  }
}
