/**
 * Who may do what (SEC1). The table is mirrored in docs/SECURITY.md and tested row by row.
 */
import type { Role } from '../core/types.ts';

export const ACTIONS = ['line.read', 'message.send', 'message.ack', 'record.export', 'node.admin'] as const;
export type Action = (typeof ACTIONS)[number];

export const PERMISSIONS: Record<Role, readonly Action[]> = {
  admin: ['line.read', 'message.send', 'message.ack', 'record.export', 'node.admin'],
  supervisor: ['line.read', 'message.send', 'message.ack', 'record.export'],
  officer: ['line.read', 'message.send', 'message.ack', 'record.export'],
  interpreter: ['line.read'],
  observer: ['line.read'],
};

/** Whether a role may perform an action. */
export function isAllowed(role: Role, action: Action): boolean {
  return PERMISSIONS[role].includes(action);
}
