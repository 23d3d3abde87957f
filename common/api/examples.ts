/**
 * One example request per operation (typed by the contract, so a new operation needs one). The
 * docs show them; the permission tests send them as every role. They name things that do not
 * exist (INC-1999-0001, hold #999999), so sending them changes nothing but is still parsed, and
 * answered `not_found` rather than `invalid_request`, by whoever may call them.
 */
import type { OperationName, RequestOf } from './contract.js';

const from = '2026-11-25T14:00';
const to = '2026-11-25T15:00';

export const EXAMPLES: { readonly [Op in OperationName]: RequestOf<Op> } = {
  'auth.login': { name: 'anna', password: 'correct horse battery' },
  'auth.logout': {},
  'session.me': {},
  status: {},
  'cameras.list': {},
  'cameras.set': { id: 'no-such-camera', name: 'Entré', zone: 'visitor' },
  'segments.list': { camera: 'entrance', from, to },
  'playback.url': { kind: 'segment', id: 999_999 },
  'holds.list': { all: true },
  'holds.add': { cameras: ['no-such-camera'], from, to, reason: 'the police asked us to keep this hour' },
  'holds.release': { id: 999_999, reason: 'the police no longer need it' },
  'incidents.list': {},
  'incidents.show': { ref: 'INC-1999-0001' },
  'incidents.create': {
    reason: 'crime-on-premises',
    justification: 'Misshandel i entrén, polisanmälan gjord',
    title: 'Bråk i entrén',
    from,
    to,
    cameras: ['no-such-camera'],
  },
  'incidents.archive': { ref: 'INC-1999-0001' },
  'incidents.extend': { ref: 'INC-1999-0001', reviewBy: '2099-01-01', reason: 'the police investigation is still open' },
  'incidents.close': { ref: 'INC-1999-0001', reason: 'the matter was settled without a report' },
  'clips.reclassify': { clip: 999_999, subjects: 'staff', reason: 'only staff are seen in it' },
  'exports.create': { ref: 'INC-1999-0001', audience: 'hr' },
  'handover.record': { ref: 'INC-1999-0001', to: 'hr', packageId: 'no-such-package', recipient: 'Eva Ek', reference: 'HR-2026-17' },
  'packages.discard': { packageId: 'no-such-package', reason: 'made for the wrong audience by mistake' },
  'packages.verifyStart': { kind: 'zip', name: 'INC-2026-0001-hr.zip' },
  'packages.verifyFinish': { uploadId: 'no-such-upload' },
  'alarms.list': { all: false },
  'alarms.ack': { id: 999_999, note: 'checked the clock' },
  'logs.deletions': { limit: 100 },
  'logs.handovers': {},
  'logs.views': { limit: 100 },
  'logs.download': { log: 'deletions', format: 'csv' },
  'handovers.receipt': { id: 999_999, format: 'pdf' },
  'reports.compliance': {},
  'settings.get': {},
  'settings.set': { key: 'incidentReviewDays', value: 30 },
  'users.list': {},
  'users.add': { name: 'admin', role: 'officer', password: 'a long first password' },
  'users.setRole': { name: 'no-such-user', role: 'hr' },
  'users.disable': { name: 'no-such-user' },
  'users.unlock': { name: 'no-such-user' },
  'sweep.dryRun': {},
};
