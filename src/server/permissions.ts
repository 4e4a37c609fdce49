/**
 * Who may do what (SEC1). The table is mirrored in docs/SECURITY.md and tested row by row.
 */
import type { Role } from '../core/types.ts';

export const ACTIONS = [
  'line.read',
  'message.send',
  'message.ack',
  'record.export',
  'node.admin',
  'blob.read',
  'blob.upload',
  'escalation.manage',
  'pairing.manage',
  'duty.hold',
  'duty.reassign',
  'message.translate',
  'report.read',
  'call.make',
  'call.request',
  'talk.schedule',
  'talk.join',
  'encounter.report',
  'notice.issue',
  'audit.read',
] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Record<Role, readonly Action[]> = {
  admin: [
    'line.read',
    'message.send',
    'message.ack',
    'record.export',
    'node.admin',
    'blob.read',
    'blob.upload',
    'escalation.manage',
    'pairing.manage',
    'duty.reassign',
    'report.read',
    'call.make',
    'call.request',
    'talk.schedule',
    'talk.join',
    'encounter.report',
    'notice.issue',
    'audit.read',
  ],
  supervisor: [
    'line.read',
    'message.send',
    'message.ack',
    'record.export',
    'blob.read',
    'blob.upload',
    'duty.hold',
    'duty.reassign',
    'message.translate',
    'report.read',
    'call.make',
    'call.request',
    'talk.schedule',
    'talk.join',
    'encounter.report',
    'notice.issue',
    'audit.read',
  ],
  officer: [
    'line.read',
    'message.send',
    'message.ack',
    'record.export',
    'blob.read',
    'blob.upload',
    'duty.hold',
    'call.make',
    'call.request',
    'talk.join',
    'encounter.report',
    'notice.issue',
  ],
  interpreter: ['line.read', 'blob.read', 'message.translate', 'talk.join'],
  observer: ['line.read', 'blob.read', 'report.read', 'talk.join'],
};

/** Whether a role may perform an action. */
export function isAllowed(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}
