/**
 * A TURN relay for call tests and benchmarks (CALL3): Debian's coturn (`/usr/bin/turnserver`,
 * package `coturn`, installed by scripts/test.mjs when missing) run by the test itself on
 * 127.0.0.1, never as a daemon, with long-term credentials (user `u`, password `p`, realm
 * `liaison`) and loopback peers allowed (both consoles' relayed addresses are on 127.0.0.1).
 *
 * Ports: the listening port (UDP and TCP) comes from `freePort`; the relay ports are a block of
 * UDP ports in 20000–32000. Nodes listen on TCP ports from the same range, so they never clash
 * with UDP relays; the block is drawn at random so two relays started by concurrent test files
 * rarely share ports (coturn skips a port it cannot bind).
 *
 * Ready means answering: `startTurnServer` sends STUN Binding requests until one is answered
 * (bounded). coturn runs verbose and its output is kept, so a test can read what it relayed:
 * `allocations()` granted so far, and `peerBytesRelayed()`, from the usage coturn logs when an
 * allocation closes (a console closing its connection deallocates within a second or so).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster.ts';

export const TURN_BINARY = '/usr/bin/turnserver';
export const TURN_USERNAME = 'u';
export const TURN_PASSWORD = 'p';
export const TURN_REALM = 'liaison';

/** How many UDP relay ports one server may hand out (two consoles need a few each). */
const RELAY_PORTS = 100;
const RELAY_RANGE = { from: 20_000, to: 32_000 };
const READY_LIMIT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
/** The most of coturn's output kept in memory (its start-up banner and a few calls fit easily). */
const LOG_LIMIT_CHARS = 2_000_000;

/** One ICE server as RTCPeerConnection (and `LIAISON_ICE_SERVERS`) takes it. */
export interface IceServerEntry {
  urls: string;
  username: string;
  credential: string;
}

export interface TurnServer {
  port: number;
  /** `turn:127.0.0.1:PORT?transport=udp`. */
  url: string;
  /** The ICE server entry for this relay, with its credentials. */
  iceServer: IceServerEntry;
  /** The relay ports it allocates from. */
  relayPorts: { min: number; max: number };
  /** coturn's output so far. */
  log(): string;
  /** Allocations coturn granted so far (one per console and candidate gathering). */
  allocations(): number;
  /**
   * Bytes coturn received from peers on its relay addresses and passed on to its clients,
   * summed over the allocations that have closed (`peer usage: … rb=N` in its log).
   */
  peerBytesRelayed(): number;
  /** Stops coturn (SIGTERM, then SIGKILL if it lingers) and removes its folder. */
  stop(): Promise<void>;
}

/** A block of relay ports that does not contain `avoid` (the listening port). */
function relayBlock(avoid: number): { min: number; max: number } {
  for (;;) {
    const min =
      RELAY_RANGE.from + Math.floor(Math.random() * (RELAY_RANGE.to - RELAY_RANGE.from - RELAY_PORTS));
    const max = min + RELAY_PORTS - 1;
    if (avoid < min || avoid > max) return { min, max };
  }
}

/** The coturn command line: loopback only, no TLS, no CLI, no config file, no daemon. */
function turnArguments(port: number, relay: { min: number; max: number }, dir: string): string[] {
  return [
    '-n', // no configuration file: everything is on this line
    '--verbose', // logs allocations, so a test can see that media was relayed
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${relay.min}`,
    `--max-port=${relay.max}`,
    '--lt-cred-mech',
    `--user=${TURN_USERNAME}:${TURN_PASSWORD}`,
    `--realm=${TURN_REALM}`,
    '--allow-loopback-peers',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--no-rfc5780', // one address: no NAT behaviour discovery (it would want port + 1)
    '--relay-threads=1',
    '--log-file=stdout',
    '--simple-log',
    `--userdb=${join(dir, 'turndb')}`,
    `--pidfile=${join(dir, 'turnserver.pid')}`,
  ];
}

/** A STUN Binding request (RFC 5389): type 0x0001, no attributes, the magic cookie, a fresh id. */
function bindingRequest(): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt32BE(0x2112a442, 4);
  return Buffer.concat([header, randomBytes(12)]);
}

/** Whether a STUN server on 127.0.0.1:`port` answers a Binding request within `timeoutMs`. */
function answersStun(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const request = bindingRequest();
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('message', (message) => {
      // A Binding success response (0x0101) for our transaction id.
      const isOurs = message.length >= 20 && message.subarray(8, 20).equals(request.subarray(8, 20));
      done(isOurs && message.readUInt16BE(0) === 0x0101);
    });
    socket.send(request, port, '127.0.0.1');
  });
}

/** Waits until coturn answers STUN, or fails with the end of its output. */
async function waitAnswering(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_LIMIT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answersStun(port, 200)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const tail = output().trimEnd().split('\n').slice(-15).join('\n');
  const why =
    child.exitCode !== null
      ? `exited with code ${child.exitCode}`
      : `did not answer STUN in ${READY_LIMIT_MS} ms`;
  throw new Error(`coturn on 127.0.0.1:${port} ${why}; its output ends:\n${tail}`);
}

/** Resolves when the process has exited, or after `ms` with false. */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts coturn on loopback and waits until it answers. */
export async function startTurnServer(): Promise<TurnServer> {
  const port = await freePort();
  const relayPorts = relayBlock(port);
  const dir = mkdtempSync(join(tmpdir(), 'lsn-turn-'));
  const child = spawn(TURN_BINARY, turnArguments(port, relayPorts, dir), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-LOG_LIMIT_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error) =>
      reject(new Error(`could not start ${TURN_BINARY} (apt-get install coturn): ${error.message}`)),
    ),
  );
  // A test process that dies without its after hook must not leave coturn running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    child.kill('SIGTERM');
    if (!(await exited(child, STOP_GRACE_MS))) {
      child.kill('SIGKILL');
      await exited(child, STOP_GRACE_MS);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([waitAnswering(child, port, () => output), spawnFailed]);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `turn:127.0.0.1:${port}?transport=udp`;
  return {
    port,
    url,
    iceServer: { urls: url, username: TURN_USERNAME, credential: TURN_PASSWORD },
    relayPorts,
    log: () => output,
    allocations: () => output.match(/ALLOCATE processed, success/g)?.length ?? 0,
    peerBytesRelayed: () =>
      [...output.matchAll(/peer usage: .*?, rb=(\d+)/g)].reduce(
        (total, match) => total + Number(match[1]),
        0,
      ),
    stop,
  };
}
