/** Reading and changing settings; every change is audit-logged with the old and new value. */
import { z } from 'zod';
import { failure } from '../common/errors.js';
import { issueWords } from '../common/i18n/zod.js';
import { SettingsSchema, type SettingKey, type Settings } from '../common/settings.js';
import { writeSetting } from '../db/settings.js';
import { audit } from './audit.js';
import type { Ctx } from './context.js';

export function changeSetting<K extends SettingKey>(ctx: Ctx, key: K, value: unknown): Settings[K] {
  const field = SettingsSchema.shape[key] as z.ZodType;
  if (!field) throw failure('invalid_request', 'core:noSetting', { key: String(key) });
  const parsed = field.safeParse(value);
  if (!parsed.success) {
    throw failure('invalid_request', 'core:badSetting', { value: String(value), key: String(key), detail: issueWords(field, value, parsed.error) });
  }
  const before = ctx.settings()[key];
  ctx.db.transaction(() => {
    writeSetting(ctx.db, key, parsed.data);
    audit(ctx, 'setting.changed', { key, from: before, to: parsed.data });
  })();
  ctx.invalidateSettings();
  return parsed.data as Settings[K];
}

/** Parses a value typed on a command line into the setting's type. */
export function coerceSettingValue(key: SettingKey, text: string): unknown {
  const def = SettingsSchema.shape[key];
  if (!def) throw failure('invalid_request', 'core:noSetting', { key });
  const sample = SettingsSchema.parse({})[key];
  if (typeof sample === 'number') return Number(text);
  if (text === 'null') return null;
  return text;
}
