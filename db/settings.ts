import { stmt, type Db, type ReadDb } from './open.js';

export function readAllSettings(db: ReadDb): Record<string, unknown> {
  const rows = stmt(db, 'SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const out: Record<string, unknown> = {};
  for (const r of rows) out[r.key] = JSON.parse(r.value);
  return out;
}

export function writeSetting(db: Db, key: string, value: unknown): void {
  stmt(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
    key,
    JSON.stringify(value),
  );
}
