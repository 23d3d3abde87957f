/**
 * A WHERE clause from fixed parts and optional conditions: each condition whose value is given
 * adds its SQL (with one `?`) and the value. The SQL texts are the caller's constants, never input.
 */
export function whereOf(fixed: readonly string[], conditions: readonly (readonly [string | number | undefined, string])[], fixedParams: readonly (string | number)[] = []): { where: string; params: (string | number)[] } {
  const parts = [...fixed];
  const params = [...fixedParams];
  for (const [value, sql] of conditions) {
    if (value === undefined) continue;
    parts.push(sql);
    params.push(value);
  }
  return { where: parts.join(' AND '), params };
}
