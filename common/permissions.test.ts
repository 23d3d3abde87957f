import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTRACT, OPERATION_NAMES, isPublicOperation, operationsMarkdown } from './api/contract.js';
import { EXAMPLES } from './api/examples.js';
import { ACTIONS, PERMISSIONS, ROLES, SCOPES, allowedActions, may, permissionMatrixMarkdown } from './permissions.js';

const DOC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'users-and-server.md');
const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** Replaces (UPDATE_DOCS=1) or reads the block between `<!-- name:start -->` and `<!-- name:end -->`. */
function block(text: string, name: string): string | null {
  const m = new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(text);
  return m ? (m[1] ?? '') : null;
}

const WRITES = /\.(set|add|release|create|archive|extend|close|reclassify|ack|record|setRole|disable|discard)$|^exports\.|^handover\./;

describe('the permission matrix', () => {
  it('has a row for every operation that needs a session, plus footage, and every example parses', () => {
    expect(new Set(ACTIONS)).toEqual(new Set([...OPERATION_NAMES.filter((op) => !isPublicOperation(op)), 'footage.view', 'packages.download', 'receipts.download']));
    for (const op of OPERATION_NAMES) expect([op, CONTRACT[op].request.safeParse(EXAMPLES[op]).success]).toEqual([op, true]);
    for (const a of ACTIONS) for (const r of PERMISSIONS[a]) expect(ROLES).toContain(r);
  });

  it('keeps footage to officers, changes away from the DPO, and users to administrators (POLICY G3, P6)', () => {
    for (const role of ROLES) {
      expect([role, may(role, 'footage.view')]).toEqual([role, role === 'officer']);
      expect([role, may(role, 'playback.url')]).toEqual([role, role === 'officer']);
    }
    // The DPO reads everything there is to review and changes nothing.
    for (const a of allowedActions('dpo')) expect([a, WRITES.test(a)]).toEqual([a, false]);
    for (const a of ['logs.deletions', 'logs.handovers', 'reports.compliance', 'incidents.list', 'incidents.show', 'alarms.list', 'users.list'] as const) expect(may('dpo', a)).toBe(true);
    // HR reads incidents (only those handed to HR), checks packages, and nothing of the recorder's index.
    expect(allowedActions('hr').sort()).toEqual(['auth.logout', 'incidents.list', 'incidents.show', 'packages.verifyFinish', 'packages.verifyStart', 'session.me']);
    // Every role can check a package; only officers download one; receipts to officers and the DPO.
    for (const role of ROLES) expect(may(role, 'packages.verifyStart') && may(role, 'packages.verifyFinish')).toBe(true);
    expect(PERMISSIONS['packages.download']).toEqual(['officer']);
    expect(PERMISSIONS['receipts.download']).toEqual(['officer', 'dpo']);
    expect(SCOPES['incidents.list']?.hr).toMatch(/handed over to HR/);
    for (const a of ['users.add', 'users.setRole', 'users.disable', 'settings.set', 'cameras.set', 'alarms.ack'] as const) expect(PERMISSIONS[a]).toEqual(['admin']);
    // Everyone can see who they are and log out.
    for (const role of ROLES) expect(may(role, 'session.me') && may(role, 'auth.logout')).toBe(true);
  });

  it('is printed in docs/users-and-server.md exactly as it is (UPDATE_DOCS=1 rewrites the tables)', () => {
    let text = readFileSync(DOC, 'utf8');
    const want = { matrix: permissionMatrixMarkdown(), operations: operationsMarkdown() };
    if (process.env.UPDATE_DOCS === '1') {
      for (const [name, table] of Object.entries(want)) {
        text = text.replace(new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`), `$1\n${table.replace(/\$/g, '$$$$')}\n$2`);
      }
      writeFileSync(DOC, text);
    }
    expect(block(text, 'matrix')).toBe(want.matrix);
    expect(block(text, 'operations')).toBe(want.operations);
  });

  it('is printed in the README exactly as it is too', () => {
    let text = readFileSync(README, 'utf8');
    if (process.env.UPDATE_DOCS === '1') {
      text = text.replace(/(<!-- matrix:start -->)[\s\S]*?(<!-- matrix:end -->)/, `$1\n${permissionMatrixMarkdown().replace(/\$/g, '$$$$')}\n$2`);
      writeFileSync(README, text);
    }
    expect(block(text, 'matrix')).toBe(permissionMatrixMarkdown());
  });
});
