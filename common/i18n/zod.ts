/**
 * zod's own sentences for a value that does not fit a schema, in both languages: zod words its
 * issues in English; parsing again with its Swedish locale words the same issues in Swedish
 * (a message the schema itself gives is kept as written). The pair travels as one Msg
 * (core:bilingual), so a face shows the reader's half.
 */
import type { z } from 'zod';
import svLocale from 'zod/v4/locales/sv.js';
import type { Msg } from './catalog.js';

const sv = svLocale();

type Issue = z.core.$ZodIssue;

function words(issues: readonly Issue[], where: boolean, request: string): string {
  const parts = issues.slice(0, 3).map((i) => (where ? `${i.path.length > 0 ? i.path.join('.') : request}: ${i.message}` : i.message));
  return parts.join('; ');
}

function swedishIssues(schema: z.ZodType, value: unknown): Issue[] {
  const again = schema.safeParse(value, { error: (iss) => sv.localeError(iss) });
  return again.success ? [] : again.error.issues;
}

/** The first issue of a value that does not fit `schema`, in both languages. */
export function issueWords(schema: z.ZodType, value: unknown, error: z.ZodError): Msg {
  const svIssues = swedishIssues(schema, value);
  return { key: 'core:bilingual', params: { en: words(error.issues.slice(0, 1), false, ''), sv: words(svIssues.length > 0 ? svIssues.slice(0, 1) : error.issues.slice(0, 1), false, '') } };
}

/** A request that does not fit its operation's schema, as one sentence (where, what) in both languages. */
export function requestIssues(schema: z.ZodType, value: unknown, error: z.ZodError): Msg {
  const svIssues = swedishIssues(schema, value);
  const issues: Msg = { key: 'core:bilingual', params: { en: words(error.issues, true, 'request'), sv: words(svIssues.length > 0 ? svIssues : error.issues, true, 'begäran') } };
  const more = error.issues.length - 3;
  return more > 0 ? { key: 'core:invalidRequestMore', params: { issues, count: more } } : { key: 'core:invalidRequest', params: { issues } };
}
