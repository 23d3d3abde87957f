/**
 * Numbered migrations. The database's `user_version` is the number of the last one applied; a
 * database from a newer Custodian (a higher number than we know) is refused, never downgraded.
 */
import { sql as m001 } from './001-foundation.js';
import { sql as m002 } from './002-retention.js';
import { sql as m003 } from './003-incidents.js';
import { sql as m004 } from './004-handover.js';
import { sql as m005 } from './005-users.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'foundation', sql: m001 },
  { version: 2, name: 'retention', sql: m002 },
  { version: 3, name: 'incidents', sql: m003 },
  { version: 4, name: 'handover', sql: m004 },
  { version: 5, name: 'users', sql: m005 },
];
