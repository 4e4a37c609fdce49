/**
 * The `liaison` command. Commands that append events go through the running node (with the
 * token it writes to DATA/admin.token); the others open the node's store directly.
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { checkExportBlobs } from '../core/blobCheck.ts';
import { isoTime, systemClock } from '../core/clock.ts';
import { verifyExport } from '../core/exportFormat.ts';
import { LANGUAGES, type Language } from '../core/phrasebook/types.ts';
import { fingerprint } from '../core/sign.ts';
import { ROLES, type Role } from '../core/types.ts';
import { BackupError, createBackup, restoreBackup } from '../node/backup.ts';
import { BlobStore, blobsDir, copyBlobsTo, digestInFolder } from '../node/blobStore.ts';
import { ConfigError, loadConfig } from '../node/config.ts';
import { consoleFingerprint, isHttpsOn } from '../node/consoleTls.ts';
import { adminTokenPath, loadSigner, loadTlsIdentity, nodeCard, openStore } from '../node/folder.ts';
import { addUser, initNode, silentLogger } from '../node/init.ts';
import { KeyFileError, keyPassphrase, readPassphraseFile } from '../node/keyFile.ts';
import { CardError, importCard, parseCard } from '../node/pairing.ts';
import { runningPid } from '../node/pidfile.ts';
import { RESTORED_AT_KEY } from '../node/restoreGate.ts';
import { Pairings } from '../node/unpairing.ts';
import { exportLines, rebuildProjections } from '../record/export.ts';
import { Ledger } from '../record/ledger.ts';
import { resetSecondFactor } from '../server/secondFactor.ts';
import { postToNode } from './nodeRequest.ts';
import { progress } from './progress.ts';
import { addUserAdminCommands } from './userCommands.ts';

/** An error to print as one line and exit with. */
class CliError extends Error {}

function requireNodeFolder(data: string): string {
  const dir = resolve(data);
  if (!existsSync(dir))
    throw new CliError(
      `the data folder ${dir} does not exist (create a node with: liaison init --data ${data})`,
    );
  loadConfig(dir);
  return dir;
}

/** Calls the running node's API with its admin token (over HTTPS when it serves HTTPS, SEC2). */
async function callRunningNode(
  dataDir: string,
  path: string,
  body: object,
  method: 'POST' | 'PATCH' = 'POST',
): Promise<unknown> {
  const config = loadConfig(dataDir);
  const token = readFileSync(adminTokenPath(dataDir), 'utf8').trim();
  const pinnedFingerprint = isHttpsOn(config) ? consoleFingerprint(dataDir, config) : null;
  if (isHttpsOn(config) && pinnedFingerprint === null)
    throw new CliError('the node serves HTTPS but its certificate file is missing from its folder');
  const { status, json } = await postToNode(
    { host: config.host, port: config.httpPort, path, token, pinnedFingerprint, method },
    body,
  );
  if (status < 200 || status >= 300)
    throw new CliError(`the node refused: ${json.message ?? status} (${json.error ?? status})`);
  return json;
}

/** The passphrase for a new key: `--passphrase-file`, else LIAISON_KEY_PASSPHRASE, else none. */
function newKeyPassphrase(passphraseFile: string | undefined): string | null {
  if (passphraseFile !== undefined) return readPassphraseFile(passphraseFile);
  return keyPassphrase(process.env, undefined);
}

async function* readLines(file: string): AsyncGenerator<string> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) yield line;
}

const program = new Command();
program
  .name('liaison')
  .description('Liaison: the signed, federated direct line between defence ministries.')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('init')
  .description('create a node folder: configuration, signing key, database')
  .requiredOption('--data <dir>', 'the node folder to create')
  .requiredOption('--node-id <id>', 'node id, 1–32 of a-z 0-9 -')
  .option('--name <name>', 'display name of the node (default: the node id)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--http-port <port>', 'console and API port (federation listens on this + 100)', '7801')
  .option('--public-url <url>', 'URL peers and users reach the console at')
  .option('--federation-url <url>', 'URL peers reach the federation listener at')
  .option(
    '--passphrase-file <file>',
    'encrypt node.key with the passphrase on the first line of this file (or set LIAISON_KEY_PASSPHRASE)',
  )
  .action(async (options) => {
    const passphrase = newKeyPassphrase(options.passphraseFile);
    const dataDir = resolve(options.data);
    const config = await initNode({
      dataDir,
      nodeId: options.nodeId,
      name: options.name ?? options.nodeId,
      host: options.host,
      httpPort: Number(options.httpPort),
      publicUrl: options.publicUrl,
      federationUrl: options.federationUrl,
      passphrase,
    });
    process.stdout.write(
      `created node ${config.nodeId} in ${dataDir}\n` +
        `  console and API: ${config.publicUrl}\n  federation:      ${config.federationUrl}\n` +
        `  signing key:     ${fingerprint(loadSigner(dataDir, passphrase ? { LIAISON_KEY_PASSPHRASE: passphrase } : {}).publicKey)}${passphrase ? ' (encrypted with the passphrase)' : ''}\n` +
        `  console HTTPS certificate (self-signed), SHA-256: ${consoleFingerprint(dataDir, config)}\n` +
        `    ${isHttpsOn(config) ? 'check it against the one your browser shows' : 'used when https is on; this loopback node serves plain HTTP'}\n` +
        `next: liaison user add NAME --role admin --password … --data ${options.data}\n`,
    );
  });

program
  .command('serve')
  .description('run a node from its folder (ports, peers and users as configured)')
  .requiredOption('--data <dir>', 'the node folder')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    const { buildConsole } = await import('./buildConsole.ts');
    const { startNode } = await import('../node/node.ts');
    // The demo and the test harness build the console once before starting their nodes.
    const build = process.env.LIAISON_SKIP_CONSOLE_BUILD
      ? Promise.resolve(false)
      : buildConsole({ quiet: true });
    await build.catch((error: Error) => {
      process.stderr.write(
        `liaison: the console could not be built (${error.message}); the API still runs\n`,
      );
    });
    // A hotline node keeps serving through a failed background task (a store that went away
    // for a moment, a peer that vanished mid-request): it logs the failure instead of exiting.
    process.on('unhandledRejection', (reason) => {
      process.stderr.write(`liaison: unhandled failure in a background task: ${String(reason)}\n`);
    });
    const node = await startNode({ dataDir });
    const stop = () => {
      void node.stop().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

const user = program.command('user').description('manage the users of a node');
user
  .command('add <name>')
  .description('add a user; prints the TOTP secret as an otpauth:// URI for an authenticator app')
  .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
  .requiredOption('--password <password>', 'initial password (at least 8 characters)')
  .requiredOption('--data <dir>', 'the node folder')
  .addOption(
    new Option('--language <language>', 'the language they read templated messages in (HOT6)')
      .choices([...LANGUAGES])
      .default('en'),
  )
  .action(async (name: string, options) => {
    const dataDir = requireNodeFolder(options.data);
    const config = loadConfig(dataDir);
    const store = await openStore(dataDir);
    try {
      const uri = await addUser(store, config.nodeId, {
        username: name,
        role: options.role as Role,
        password: options.password,
        language: options.language as Language,
      });
      process.stdout.write(`added ${name}@${config.nodeId} (${options.role})\nTOTP: ${uri}\n`);
    } finally {
      await store.close();
    }
  });
user
  .command('list')
  .description('list the users of a node')
  .requiredOption('--data <dir>', 'the node folder')
  .action(async (options) => {
    const store = await openStore(requireNodeFolder(options.data));
    try {
      for (const u of await store.listUsers()) {
        const factor = u.totpSecret ? 'totp' : u.totpExempt ? 'no second factor' : 'enrols at next sign-in';
        process.stdout.write(`${u.username}\t${u.role}\t${factor}${u.disabled ? '\tdisabled' : ''}\n`);
      }
    } finally {
      await store.close();
    }
  });
user
  .command('reset-2fa <name>')
  .description(
    "take a user's second factor away (e.g. a lost phone): their sessions end and they enrol a new one at their next sign-in",
  )
  .requiredOption('--data <dir>', 'the node folder')
  .action(async (name: string, options) => {
    const dataDir = requireNodeFolder(options.data);
    const config = loadConfig(dataDir);
    const store = await openStore(dataDir);
    try {
      if (!(await resetSecondFactor(store, name))) throw new CliError(`there is no user ${name}`);
    } finally {
      await store.close();
    }
    process.stdout.write(
      `reset the second factor of ${name}@${config.nodeId}: their sessions are ended (within a minute on a ` +
        'running node) and they set up an authenticator app at their next sign-in\n',
    );
  });

// SEC1, SEC5: `user role`, `user disable`, `user enable` (userCommands.ts).
addUserAdminCommands(user, {
  requireNodeFolder,
  callRunningNode: (dataDir, path, body) => callRunningNode(dataDir, path, body, 'PATCH'),
  fail: (message) => new CliError(message),
});

const pair = program.command('pair').description('pair this node with a peer (FED1)');
pair
  .command('export')
  .description("print this node's signed card, for the peer's admin to import")
  .requiredOption('--data <dir>', 'the node folder')
  .action((options) => {
    const dataDir = requireNodeFolder(options.data);
    process.stdout.write(nodeCard(dataDir));
  });
pair
  .command('import <card>')
  .description("import a peer's card file; prints the safety code to compare by voice")
  .requiredOption('--data <dir>', 'the node folder')
  .option(
    '--safety-code <code>',
    "a revocation card's new safety code, as the peer's admin read it to you by voice (LOG5)",
  )
  .action(async (cardFile: string, options) => {
    const dataDir = requireNodeFolder(options.data);
    if (!existsSync(cardFile)) throw new CliError(`no card file ${cardFile}`);
    const cardText = readFileSync(cardFile, 'utf8');
    let result: { peer: string; line: string; safetyCode: string; fingerprint: string; revokedLines: number };
    if (runningPid(dataDir) !== null) {
      result = (await callRunningNode(dataDir, '/api/v1/admin/pair', {
        card: cardText,
        ...(options.safetyCode ? { safetyCode: options.safetyCode as string } : {}),
      })) as typeof result;
    } else {
      const config = loadConfig(dataDir);
      const signer = loadSigner(dataDir);
      const store = await openStore(dataDir);
      try {
        const ledger = new Ledger({
          store,
          signer,
          selfId: config.nodeId,
          clock: systemClock,
          logger: silentLogger,
        });
        await ledger.open();
        // FED1: re-pairing after an unpairing is an event (peer.paired), which the running node
        // appends and pushes; offline, the card would be stored and the hotline stay closed.
        const card = parseCard(cardText);
        const pairings = new Pairings({ selfId: config.nodeId, ledger, store, logger: silentLogger });
        await pairings.start();
        if (pairings.isUnpaired(card.nodeId)) {
          throw new CliError(
            `${card.nodeId} was unpaired: start the node (liaison serve) and import the card again, so the hotline reopens`,
          );
        }
        const paired = await importCard(
          card,
          { nodeId: config.nodeId, name: config.name, publicKey: signer.publicKey },
          store,
          ledger,
          isoTime(systemClock.now()),
          { safetyCode: options.safetyCode as string | undefined },
        );
        result = {
          peer: paired.peer.nodeId,
          line: paired.line.id,
          safetyCode: paired.safetyCode,
          fingerprint: paired.fingerprint,
          revokedLines: paired.revokedLines,
        };
      } finally {
        await store.close();
      }
    }
    process.stdout.write(
      `paired with ${result.peer}; hotline ${result.line}\n` +
        (result.revokedLines > 0
          ? `its old key is revoked on ${result.revokedLines} line(s): events it signs there from the card's point are refused\n`
          : '') +
        `peer key fingerprint: ${result.fingerprint}\n` +
        `SAFETY CODE: ${result.safetyCode}  — compare it by voice with the peer's duty officer\n`,
    );
  });

pair
  .command('remove <node>')
  .description('end the pairing with a peer (FED1): a peer.unpaired event; its hotline closes')
  .requiredOption('--data <dir>', 'the node folder')
  .option('--reason <text>', 'why, kept in the record')
  .action(async (nodeId: string, options) => {
    const dataDir = requireNodeFolder(options.data);
    if (runningPid(dataDir) === null)
      throw new CliError('the node is not running: start it (liaison serve) so the peer is told');
    const result = (await callRunningNode(
      dataDir,
      `/api/v1/admin/peers/${encodeURIComponent(nodeId)}/unpair`,
      options.reason ? { reason: options.reason } : {},
    )) as { peer: string; line: string; delivered: boolean };
    process.stdout.write(
      `unpaired ${result.peer}; hotline ${result.line} is closed\n` +
        (result.delivered
          ? `${result.peer} holds the peer.unpaired event\n`
          : `${result.peer} did not confirm in time; its links are refused (close 4008 unpaired)\n`),
    );
  });

const key = program.command('key').description("this node's signing key (LOG5)");
key
  .command('rotate')
  .description('replace the signing key: a key.rotated event, signed by the old key, on every line')
  .requiredOption('--data <dir>', 'the node folder')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    if (runningPid(dataDir) === null)
      throw new CliError(
        'the node is not running: start it (liaison serve); a rotation is appended through it',
      );
    const result = (await callRunningNode(dataDir, '/api/v1/admin/key/rotate', {})) as {
      fingerprint: string;
      previousFingerprint: string;
      lines: { line: string; fromSeq: number }[];
    };
    process.stdout.write(
      `signing key rotated on ${result.lines.length} line(s)\n` +
        `old key fingerprint: ${result.previousFingerprint}\n` +
        `new key fingerprint: ${result.fingerprint}\n` +
        'the safety codes changed: compare the new ones by voice with each peer (liaison pair export for a fresh card)\n',
    );
  });

key
  .command('revoke')
  .description(
    'replace a compromised key on a STOPPED node: a rotation, new TLS keys and a revocation card for the peers',
  )
  .requiredOption('--data <dir>', 'the node folder')
  .option('--out <file>', 'write the new card to this file (default: standard output)')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    const { revokeKey } = await import('../node/revocation.ts');
    const result = await revokeKey(dataDir);
    if (options.out) writeFileSync(options.out, result.card);
    else process.stdout.write(result.card);
    const codes = result.safetyCodes.map((p) => `  ${p.nodeId} (${p.name}): ${p.safetyCode}\n`).join('');
    process.stderr.write(
      `signing key revoked on ${result.lines.length} shared line(s)\n` +
        `revoked key fingerprint: ${result.previousFingerprint}\n` +
        `new key fingerprint:     ${result.fingerprint}\n` +
        `new federation TLS fingerprint: ${result.tlsFingerprint}\n` +
        (result.consoleFingerprint ? `new console HTTPS fingerprint:  ${result.consoleFingerprint}\n` : '') +
        `send the new card${options.out ? ` (${options.out})` : ''} to each peer's admin and read them, by voice, the new safety code:\n${codes}` +
        `they import it with: liaison pair import CARD --safety-code "CODE" --data THEIR_FOLDER\n` +
        'then start this node again (liaison serve); until a peer imports the card, it refuses this node\n',
    );
  });

program
  .command('export')
  .description('write the record as JSONL (LOG12), for `liaison verify`')
  .requiredOption('--data <dir>', 'the node folder')
  .option('--line <id>', 'one line (default: every shared line)')
  .option('--out <file>', 'write to a file instead of standard output')
  .option('--blobs <dir>', 'also copy the blobs the exported events reference into this folder (LOG11)')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    const config = loadConfig(dataDir);
    const store = await openStore(dataDir);
    try {
      const lines = (await store.listLines()).filter((l) => l.kind !== 'local');
      const lineIds = options.line ? [options.line as string] : lines.map((l) => l.id).sort();
      if (options.line && !lines.some((l) => l.id === options.line))
        throw new CliError(`there is no line ${options.line}`);
      const bar = progress('exporting events');
      const out: NodeJS.WritableStream = options.out ? createWriteStream(options.out) : process.stdout;
      const attachments = new Set<string>();
      for await (const text of exportLines({
        attachments,
        store,
        signer: loadSigner(dataDir),
        selfId: config.nodeId,
        clock: systemClock,
        lineIds,
        onProgress: (done, total) => bar.update(done, total),
      })) {
        if (!out.write(text)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (out !== process.stdout) await new Promise<void>((r) => out.end(() => r()));
      bar.done();
      if (options.blobs) {
        const held = new BlobStore(blobsDir(dataDir), { isReadOnly: true });
        const blobs = copyBlobsTo(held, attachments, options.blobs as string);
        process.stderr.write(`${blobs.copied} blob(s) written to ${options.blobs}\n`);
        if (blobs.missing.length > 0) {
          process.stderr.write(
            `${blobs.missing.length} referenced blob(s) are not held here (still being fetched?): ${blobs.missing.join(', ')}\n`,
          );
          process.exitCode = 1;
        }
      }
    } finally {
      await store.close();
    }
  });

program
  .command('verify <file>')
  .description('check an export offline (LOG2–LOG9, LOG12); exit 0 when it all holds')
  .option('--trust <card...>', "cards of the nodes to trust (default: the export's own header, said so)")
  .option(
    '--blobs <dir>',
    'also check that every referenced blob is in this folder and hashes to its name (LOG11)',
  )
  .action(async (file: string, options) => {
    if (file !== '-' && !existsSync(file)) throw new CliError(`no such file: ${file}`);
    if (options.blobs && file === '-')
      throw new CliError('--blobs needs the export as a file, not standard input');
    if (options.blobs && !existsSync(options.blobs)) throw new CliError(`no such folder: ${options.blobs}`);
    const trustedNodes = ((options.trust as string[] | undefined) ?? []).map((path) => {
      const card = parseCard(readFileSync(path, 'utf8'));
      return { nodeId: card.nodeId, name: card.name, publicKey: card.publicKey };
    });
    const bar = progress('verifying events');
    const report = await verifyExport(readLines(file), {
      ...(trustedNodes.length > 0 ? { trustedNodes } : {}),
      onProgress: (n) => bar.update(n),
    });
    bar.done(`${report.events.toLocaleString('en')} checked`);
    if (report.trustedHeader) {
      process.stdout.write("no --trust cards given: trusting the keys in the export's own header\n");
    }
    for (const f of report.fingerprints) process.stdout.write(`trusted ${f.nodeId}: ${f.fingerprint}\n`);
    if (report.ok && options.blobs) {
      const blobs = await checkExportBlobs(readLines(file), digestInFolder(options.blobs as string));
      if (!blobs.ok && blobs.error) {
        const b = blobs.error;
        process.stdout.write(
          `FAILED at line ${b.lineNumber}${b.eventId ? `, event ${b.eventId}` : ''}: ${b.code}: ${b.message}\n`,
        );
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`blobs: ${blobs.blobs} referenced blob(s) present and whole (LOG11)\n`);
    }
    if (report.ok) {
      process.stdout.write(
        `OK: ${report.events} events on ${report.lines.length} line(s) verified (${report.lines.join(', ')})\n`,
      );
      return;
    }
    const e = report.error;
    process.stdout.write(
      `FAILED at line ${e?.lineNumber}${e?.eventId ? `, event ${e.eventId}` : ''}: ${e?.code}: ${e?.message}\n` +
        `(${report.events} events verified before it)\n`,
    );
    process.exitCode = 1;
  });

program
  .command('rebuild')
  .description('recreate every projection (message states, deliveries) from the events')
  .requiredOption('--data <dir>', 'the node folder')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    if (runningPid(dataDir) !== null) {
      const result = (await callRunningNode(dataDir, '/api/v1/admin/rebuild', {})) as { events: number };
      process.stdout.write(`rebuilt from ${result.events} events (through the running node)\n`);
      return;
    }
    const store = await openStore(dataDir);
    try {
      const bar = progress('replaying events');
      const events = await rebuildProjections(store, systemClock, (done, total) => bar.update(done, total));
      bar.done();
      process.stdout.write(`rebuilt from ${events} events\n`);
    } finally {
      await store.close();
    }
  });

program
  .command('backup')
  .description('copy a node (database snapshot, keys, configuration) into a new folder; works while it runs')
  .requiredOption('--data <dir>', 'the node folder')
  .requiredOption('--out <dir>', 'the backup folder to create (new or empty)')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    const outDir = resolve(options.out);
    const bar = progress('copying the database (pages)');
    const manifest = await createBackup({
      dataDir,
      outDir,
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.done();
    process.stdout.write(
      `backed up ${manifest.nodeId}: ${manifest.events} event${manifest.events === 1 ? '' : 's'} and ` +
        `${Object.keys(manifest.files).length} files into ${outDir}\n`,
    );
  });

program
  .command('restore <backup>')
  .description('restore a backup into a stopped node folder; the node then waits for its peers (LOG9)')
  .requiredOption('--data <dir>', 'the node folder to restore into (created when missing)')
  .option('--force', 'replace a folder that holds another node')
  .action(async (backupDir: string, options) => {
    const dataDir = resolve(options.data);
    const { manifest, setAside } = await restoreBackup({
      backupDir: resolve(backupDir),
      dataDir,
      force: Boolean(options.force),
    });
    process.stdout.write(
      `restored ${manifest.nodeId} as of ${manifest.createdAt} (${manifest.events} events) into ${dataDir}\n` +
        (setAside ? `the files it replaced are in ${setAside}\n` : '') +
        'on its next start the node appends nothing until its peers have returned its own latest events;\n' +
        `if they are gone for good: liaison release-appends --data ${options.data}\n`,
    );
  });

program
  .command('release-appends')
  .description("end a restored node's wait for its peers (LOG9) — only when they are gone for good")
  .requiredOption('--data <dir>', 'the node folder')
  .action(async (options) => {
    const dataDir = requireNodeFolder(options.data);
    if (runningPid(dataDir) !== null) {
      const result = (await callRunningNode(dataDir, '/api/v1/admin/release-appends', {})) as {
        wasHeld: boolean;
        reason: string | null;
      };
      process.stdout.write(
        result.wasHeld ? `appends released (they were held: ${result.reason})\n` : 'appends were not held\n',
      );
      return;
    }
    const store = await openStore(dataDir);
    try {
      const wasRestored = Boolean(await store.getMeta(RESTORED_AT_KEY));
      await store.setMeta(RESTORED_AT_KEY, '');
      process.stdout.write(
        wasRestored
          ? 'the node will not wait for its peers on its next start\n'
          : 'the node was not waiting for its peers\n',
      );
    } finally {
      await store.close();
    }
  });

program
  .command('demo')
  .description('run two paired nodes, alpha and bravo, each its own process')
  .option('--base-port <port>', 'alpha on this port, bravo on the next', '7801')
  .option('--data <dir>', 'folder of the two nodes', '.demo')
  .option('--fresh', 'wipe the demo folders first')
  .option('--password <password>', 'password of every demo user', 'liaison-demo')
  .action(async (options) => {
    const { runDemo } = await import('./demo.ts');
    await runDemo({
      basePort: Number(options.basePort),
      dataDir: resolve(options.data),
      fresh: Boolean(options.fresh),
      password: options.password,
    });
  });

program
  .command('build-console')
  .description('build the web console into web/dist (done automatically when stale)')
  .option('--force', 'build even when up to date')
  .action(async (options) => {
    const { buildConsole } = await import('./buildConsole.ts');
    const built = await buildConsole({ force: Boolean(options.force) });
    process.stdout.write(built ? 'console built into web/dist\n' : 'console is up to date\n');
  });

program
  .command('fingerprint [card]')
  .description(
    "print the key fingerprint of a card, or with --data a node's key and certificate fingerprints",
  )
  .option(
    '--data <dir>',
    "a node folder: its signing key's, federation certificate's and console certificate's",
  )
  .action((cardFile: string | undefined, options) => {
    if (cardFile !== undefined) {
      const card = parseCard(readFileSync(cardFile, 'utf8'));
      process.stdout.write(`${card.nodeId}: ${fingerprint(card.publicKey)}\n`);
      return;
    }
    if (!options.data) throw new CliError('give a card file, or --data DIR for a node folder');
    const dataDir = requireNodeFolder(options.data);
    const config = loadConfig(dataDir);
    process.stdout.write(
      `${config.nodeId}\n` +
        `  signing key:                 ${fingerprint(loadSigner(dataDir).publicKey)}\n` +
        `  federation TLS (SHA-256):    ${loadTlsIdentity(dataDir, config.nodeId).fingerprint}\n` +
        `  console HTTPS (SHA-256):     ${consoleFingerprint(dataDir, config) ?? '(none yet: made at the next start)'}` +
        `${isHttpsOn(config) ? '' : ' — not served: this loopback node serves plain HTTP'}\n`,
    );
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof CardError ||
    error instanceof KeyFileError ||
    error instanceof BackupError
  ) {
    process.stderr.write(`liaison: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
