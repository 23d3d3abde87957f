/**
 * Numbered migrations. The database's `user_version` is the number of the last one applied; a
 * database from a newer Custodian (a higher number than we know) is refused, never downgraded.
 */
import { sql as m001 } from './001-foundation.js';
import { sql as m002 } from './002-retention.js';
import { sql as m003 } from './003-incidents.js';
import { sql as m004 } from './004-handover.js';
import { sql as m005 } from './005-users.js';
import { sql as m006 } from './006-deletion-safety.js';
import { after as m007after, sql as m007 } from './007-records.js';
import type { Db } from '../open.js';
import { sql as m008 } from './008-evidence.js';
import { sql as m009 } from './009-server.js';
import { sql as m010 } from './010-access-requests.js';
import { sql as m011 } from './011-report.js';
import { sql as m012 } from './012-thumbnails.js';
import { sql as m013 } from './013-layouts.js';
import { sql as m014 } from './014-hold-guards.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Work SQL cannot do (hashing), run in the migration's transaction after `sql`. */
  readonly after?: (db: Db) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'foundation', sql: m001 },
  { version: 2, name: 'retention', sql: m002 },
  { version: 3, name: 'incidents', sql: m003 },
  { version: 4, name: 'handover', sql: m004 },
  { version: 5, name: 'users', sql: m005 },
  { version: 6, name: 'deletion-safety', sql: m006 },
  { version: 7, name: 'records', sql: m007, after: m007after },
  { version: 8, name: 'evidence', sql: m008 },
  { version: 9, name: 'server', sql: m009 },
  { version: 10, name: 'access-requests', sql: m010 },
  { version: 11, name: 'report', sql: m011 },
  { version: 12, name: 'thumbnails', sql: m012 },
  { version: 13, name: 'layouts', sql: m013 },
  { version: 14, name: 'hold-guards', sql: m014 },
];

/**
 * Migrations whose number was reserved and whose SQL landed after a later one (010 was kept for
 * the access requests while 011 shipped): a database already past them has the version but not
 * their tables. openDatabase applies such a migration once where the table it creates is missing.
 */
export const LATE_MIGRATIONS: readonly { readonly version: number; readonly table: string }[] = [{ version: 10, table: 'access_requests' }];
