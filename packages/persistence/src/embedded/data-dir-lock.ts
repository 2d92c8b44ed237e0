import { closeSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";

/** What the lock file says about the process that holds the embedded database. */
export interface LockHolder {
  readonly pid: number;
  /** The holder's command line, to tell the user which program it is. */
  readonly command: string;
  /** The directory of the unix socket through which the holder shares the database, if it does. */
  readonly socketDir: string | null;
}

export type LockAttempt = { acquired: true; lock: DataDirLock } | { acquired: false; holder: LockHolder };

export const LOCK_FILE = "pglite.lock";

/** The lock files this process holds. */
const HELD = new Set<string>();

/**
 * Only one process may open the embedded database's files at a time: a second PostgreSQL
 * in the same directory would corrupt it. The lock is a file created exclusively in
 * DATA_DIR holding the owner's pid; a lock whose pid is no longer alive is stale and
 * taken over, and so is one naming this process's own pid that this process does not
 * hold: a container's only process is pid 1 each time it starts, so after a crash its
 * successor finds its own pid in the lock its predecessor left.
 */
export class DataDirLock {
  readonly path: string;
  #released = false;

  private constructor(path: string) {
    this.path = path;
  }

  static acquire(dataDir: string, socketDir: string | null): LockAttempt {
    const path = join(dataDir, LOCK_FILE);
    const holder: LockHolder = { pid: process.pid, command: process.argv.join(" "), socketDir };
    // Two rounds: the second follows the removal of a stale lock.
    for (let round = 0; round < 2; round++) {
      if (createExclusively(path, JSON.stringify(holder))) {
        HELD.add(path);
        return { acquired: true, lock: new DataDirLock(path) };
      }
      const current = readHolder(path);
      if (current === null) continue;
      const mine = current.pid === process.pid;
      if (mine ? HELD.has(path) : isAlive(current.pid)) return { acquired: false, holder: current };
      removeStaleLock(path, current);
    }
    const current = readHolder(path);
    return {
      acquired: false,
      holder: current ?? { pid: 0, command: "unknown (the lock file keeps changing)", socketDir: null },
    };
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    HELD.delete(this.path);
    const current = readHolder(this.path);
    if (current?.pid === process.pid) unlinkSync(this.path);
  }
}

function createExclusively(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readHolder(path: string): LockHolder | null {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === "number")
      return {
        pid: parsed.pid,
        command: typeof parsed.command === "string" ? parsed.command : "unknown",
        socketDir: typeof parsed.socketDir === "string" ? parsed.socketDir : null,
      };
  } catch {
    // A lock file cut short by a crash between its creation and its write: nobody holds it.
  }
  return { pid: 0, command: "unknown", socketDir: null };
}

function isAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves the stale lock aside rather than deleting it, and checks that what was moved is
 * the stale lock: if another process took it over meanwhile, its fresh lock goes back.
 */
function removeStaleLock(path: string, stale: LockHolder): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved !== null && moved.pid !== stale.pid && isAlive(moved.pid)) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process holds the path now; the next round reads it.
    }
  }
  unlinkSync(aside);
}
