import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ROLES } from '../core/types.ts';
import { ACTIONS, isAllowed } from './permissions.ts';

/** Reads the permission table of docs/SECURITY.md: role → action → allowed. */
function documentedTable(): Map<string, Map<string, boolean>> {
  const text = readFileSync(new URL('../../docs/SECURITY.md', import.meta.url), 'utf8');
  const rows = text.split('\n').filter((line) => line.startsWith('| '));
  const header = (rows[0] ?? '')
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean);
  const table = new Map<string, Map<string, boolean>>();
  for (const row of rows.slice(2)) {
    const cells = row
      .split('|')
      .map((c) => c.trim())
      .filter(Boolean);
    const [role, ...values] = cells;
    if (!role || !(ROLES as readonly string[]).includes(role)) continue;
    const actions = new Map<string, boolean>();
    for (const [i, value] of values.entries()) actions.set(header[i + 1] ?? '', value === 'yes');
    table.set(role, actions);
  }
  return table;
}

describe('the permission table', () => {
  const table = documentedTable();

  it('[SEC1] docs/SECURITY.md lists every role and every action', () => {
    assert.deepEqual([...table.keys()].sort(), [...ROLES].sort());
    for (const actions of table.values()) assert.deepEqual([...actions.keys()].sort(), [...ACTIONS].sort());
  });

  for (const role of ROLES) {
    it(`[SEC1] the ${role} row matches the code`, () => {
      for (const action of ACTIONS) {
        assert.equal(isAllowed(role, action), table.get(role)?.get(action), `${role} ${action}`);
      }
    });
  }
});
