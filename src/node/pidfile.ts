/**
 * `DATA/liaison.pid` (External interface): a running node writes its process id there; a file
 * left by a process that no longer runs is stale and taken over. A second node on the same
 * folder is refused.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config.ts';

export function pidPath(dataDir: string): string {
  return join(dataDir, 'liaison.pid');
}

/** Whether a process with this id is alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the node running on this folder, or null. */
export function runningPid(dataDir: string): number | null {
  const path = pidPath(dataDir);
  if (!existsSync(path)) return null;
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  return isAlive(pid) ? pid : null;
}

/** Writes this process's id; refuses when another live process holds the folder. */
export function acquirePidFile(dataDir: string): void {
  const other = runningPid(dataDir);
  if (other !== null) throw new ConfigError(`a node already runs on ${dataDir} (process ${other})`);
  writeFileSync(pidPath(dataDir), `${process.pid}\n`);
}

/** Removes the pid file if it is this process's. */
export function releasePidFile(dataDir: string): void {
  const path = pidPath(dataDir);
  if (!existsSync(path)) return;
  if (Number(readFileSync(path, 'utf8').trim()) === process.pid) rmSync(path, { force: true });
}
