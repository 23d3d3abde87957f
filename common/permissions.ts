/**
 * Who may do what: the role × action matrix, as data. Core checks it for every API operation
 * (core/api) and for every byte of footage streamed; the UI only uses it to hide what would be
 * refused anyway. docs/users-and-server.md prints it (a test fails if the two drift).
 *
 * Roles (POLICY G3, P6):
 *  - officer: security staff at the desk: footage, holds, incidents, archive.
 *  - hr:      reads the incidents handed to HR; no footage in the app.
 *  - dpo:     the data protection officer: reads every log and incident's metadata; changes nothing, no footage.
 *  - admin:   users, cameras, settings, alarms; no footage.
 * The command line acts as the OS user with the admin role and is not bound by this matrix.
 */
import type { GuardedOperation } from './api/contract.js';

export const ROLES = ['officer', 'hr', 'dpo', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Actions: every operation that needs a session, plus what travels outside the JSON calls:
 * streaming footage bytes, downloading a package copy (a zip, audit-logged), downloading a
 * handover receipt.
 */
export type Action = GuardedOperation | 'footage.view' | 'packages.download' | 'receipts.download';

const ALL: readonly Role[] = ROLES;
const READERS: readonly Role[] = ['officer', 'dpo', 'admin'];

export const PERMISSIONS: { readonly [A in Action]: readonly Role[] } = {
  'auth.logout': ALL,
  'session.me': ALL,

  status: READERS,
  'cameras.list': READERS,
  'cameras.set': ['admin'],
  'segments.list': READERS,
  'playback.url': ['officer'],
  'footage.view': ['officer'],
  'thumbnails.get': ['officer'],
  // The administrator draws privacy masks on the camera's picture: one still, audit-logged; no playback.
  'cameras.frame': ['admin'],

  'holds.list': READERS,
  'holds.add': ['officer'],
  'holds.release': ['officer'],

  'incidents.list': ['officer', 'hr', 'dpo'],
  'incidents.show': ['officer', 'hr', 'dpo'],
  'incidents.create': ['officer'],
  'incidents.archive': ['officer'],
  'incidents.extend': ['officer'],
  'incidents.close': ['officer'],
  'clips.reclassify': ['officer'],
  'exports.create': ['officer'],
  'handover.record': ['officer'],
  'packages.discard': ['officer'],
  'packages.download': ['officer'],
  // HR receives packages and has no terminal: every role can check one against this site's key.
  'packages.verifyStart': ALL,
  'packages.verifyFinish': ALL,
  'receipts.download': ['officer', 'dpo'],

  // Access requests: the officer handles them; the DPO answers for them and reads them (no footage).
  'requests.list': ['officer', 'dpo'],
  'requests.show': ['officer', 'dpo'],
  'requests.create': ['officer'],
  'requests.addWindow': ['officer'],
  'requests.extend': ['officer'],
  'requests.mark': ['officer'],
  'requests.unmark': ['officer'],
  'requests.notFound': ['officer'],
  'requests.masks': ['officer'],
  'requests.propose': ['officer'],
  'requests.saveMasks': ['officer'],
  'requests.render': ['officer'],
  'requests.answer': ['officer'],
  'requests.deliver': ['officer'],
  'requests.withdraw': ['officer'],
  'requests.letter': ['officer', 'dpo'],
  'requests.package': ['officer'],
  'requests.register': ['officer', 'dpo'],
  'requests.download': ['officer', 'dpo'],

  'alarms.list': READERS,
  'alarms.ack': ['admin'],

  'logs.deletions': READERS,
  'logs.handovers': ['officer', 'dpo'],
  'logs.views': ['dpo'],
  'logs.download': READERS,
  'handovers.receipt': ['officer', 'dpo'],
  'reports.compliance': ['dpo', 'admin'],

  // Registering a root says where Custodian will delete: the administrator's, like the settings.
  'roots.propose': ['admin'],
  'roots.add': ['admin'],

  'settings.get': READERS,
  'settings.set': ['admin'],

  'users.list': ['dpo', 'admin'],
  'users.add': ['admin'],
  'users.setRole': ['admin'],
  'users.disable': ['admin'],
  'users.unlock': ['admin'],
  'users.setPassword': ['admin'],

  'sweep.dryRun': READERS,
};

/**
 * What a role sees of an action beyond yes/no. HR sees only incidents handed over to HR, and of
 * them only what was in HR's package; the rest see all.
 */
export const SCOPES: Partial<Record<Action, Partial<Record<Role, string>>>> = {
  'incidents.list': { hr: 'only incidents handed over to HR' },
  'incidents.show': { hr: "only incidents handed over to HR, and only what HR's package held" },
  'logs.download': { officer: 'only the logs the role may read', dpo: 'only the logs the role may read', admin: 'only the logs the role may read' },
};

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function may(role: Role, action: Action): boolean {
  return PERMISSIONS[action].includes(role);
}

export function allowedActions(role: Role): Action[] {
  return ACTIONS.filter((a) => may(role, a));
}

/** The matrix as a Markdown table (docs/users-and-server.md carries exactly this). */
export function permissionMatrixMarkdown(): string {
  const head = `| action | ${ROLES.join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = ACTIONS.map((a) => {
    const cells = ROLES.map((r) => {
      if (!may(r, a)) return '';
      const scope = SCOPES[a]?.[r];
      return scope ? `✓ (${scope})` : '✓';
    });
    return `| \`${a}\` | ${cells.join(' | ')} |`;
  });
  return [head, rule, ...rows].join('\n');
}
