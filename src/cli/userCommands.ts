/**
 * `liaison user role NAME ROLE`, `liaison user disable NAME` and `liaison user enable NAME`
 * (SEC1) on a node's folder. On a running node they go through it with its admin token
 * (`PATCH /api/v1/admin/users/:name`), so its sessions and consoles follow at once and the node
 * writes the audit entry (SEC5). On a stopped node they change the store directly and append
 * the audit entry to the local line themselves (only then: two writers must never share a line).
 * The rules of src/server/userAdmin.ts hold either way: the last admin stays an admin.
 */
import type { Command } from 'commander';
import { systemClock } from '../core/clock.ts';
import { type JsonObject, ROLES, type Role } from '../core/types.ts';
import { loadConfig } from '../node/config.ts';
import { loadSigner, openStore } from '../node/folder.ts';
import { silentLogger } from '../node/init.ts';
import { runningPid } from '../node/pidfile.ts';
import { Ledger } from '../record/ledger.ts';
import { type AuditAction, appendAuditEntry } from '../server/audit.ts';
import { ApiError } from '../server/errors.ts';
import { CLI_USER_NAME, UserAdmin, type UserChange, type UserView } from '../server/userAdmin.ts';

/** What the commands borrow from main.ts. */
export interface UserCommandHelpers {
  /** The absolute path of a node folder, or the CLI's error. */
  requireNodeFolder(data: string): string;
  /** PATCHes the running node with its admin token; the CLI's error when it refuses. */
  callRunningNode(dataDir: string, path: string, body: object): Promise<unknown>;
  /** An error the CLI prints as one line. */
  fail(message: string): Error;
}

/** What a change did, for the one line printed. */
interface Outcome {
  user: UserView | { username: string; role: Role; disabled: boolean };
}

/** Changes a user on a stopped node: store, sessions and the audit entries on the local line. */
async function changeOffline(dataDir: string, name: string, change: UserChange): Promise<Outcome> {
  const config = loadConfig(dataDir);
  const store = await openStore(dataDir);
  try {
    const { before, after } = await new UserAdmin(store, systemClock).update(null, name, change);
    if (after.disabled && !before.disabled) await store.deleteSessionsOf(name);
    const entries: [AuditAction, JsonObject][] = [];
    if (after.role !== before.role)
      entries.push(['role-changed', { username: name, from: before.role, to: after.role }]);
    if (Boolean(after.disabled) !== Boolean(before.disabled))
      entries.push([after.disabled ? 'user-disabled' : 'user-enabled', { username: name }]);
    if (entries.length > 0) {
      const ledger = new Ledger({
        store,
        signer: loadSigner(dataDir),
        selfId: config.nodeId,
        clock: systemClock,
        logger: silentLogger,
      });
      await ledger.open();
      for (const [action, details] of entries)
        await appendAuditEntry(ledger, action, `${CLI_USER_NAME}@${config.nodeId}`, {
          ...details,
          via: 'cli',
        });
      await ledger.idle();
    }
    return { user: { username: after.username, role: after.role, disabled: after.disabled ?? false } };
  } finally {
    await store.close();
  }
}

/** Adds the three commands to `liaison user`. */
export function addUserAdminCommands(user: Command, helpers: UserCommandHelpers): void {
  const change = async (data: string, name: string, what: UserChange): Promise<Outcome> => {
    const dataDir = helpers.requireNodeFolder(data);
    if (runningPid(dataDir) !== null) {
      return (await helpers.callRunningNode(
        dataDir,
        `/api/v1/admin/users/${encodeURIComponent(name)}`,
        what,
      )) as Outcome;
    }
    try {
      return await changeOffline(dataDir, name, what);
    } catch (error) {
      if (error instanceof ApiError) throw helpers.fail(`${error.message} (${error.code})`);
      throw error;
    }
  };
  const nodeOf = (data: string) => loadConfig(helpers.requireNodeFolder(data)).nodeId;

  user
    .command('role <name> <role>')
    .description("change a user's role (the last admin stays an admin)")
    .requiredOption('--data <dir>', 'the node folder')
    .action(async (name: string, role: string, options) => {
      if (!(ROLES as readonly string[]).includes(role))
        throw helpers.fail(`the role must be one of ${ROLES.join(', ')}`);
      const { user: changed } = await change(options.data, name, { role: role as Role });
      process.stdout.write(`${changed.username}@${nodeOf(options.data)} is now ${changed.role}\n`);
    });
  user
    .command('disable <name>')
    .description('disable a user: they cannot sign in, and their sessions end')
    .requiredOption('--data <dir>', 'the node folder')
    .action(async (name: string, options) => {
      const { user: changed } = await change(options.data, name, { disabled: true });
      process.stdout.write(
        `disabled ${changed.username}@${nodeOf(options.data)}; their sessions are ended\n`,
      );
    });
  user
    .command('enable <name>')
    .description('enable a disabled user again')
    .requiredOption('--data <dir>', 'the node folder')
    .action(async (name: string, options) => {
      const { user: changed } = await change(options.data, name, { disabled: false });
      process.stdout.write(`enabled ${changed.username}@${nodeOf(options.data)}\n`);
    });
}
