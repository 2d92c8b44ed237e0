import { chmodSync, mkdirSync, statSync } from "node:fs";

// Group and others: no permission at all.
const GROUP_AND_OTHERS = 0o077;

/**
 * Makes `directory` (DATA_DIR) private to the user running this process, and keeps what
 * the process writes in it private, whatever the umask it was started with:
 *
 * - creates it (and any missing parent) `0700`;
 * - takes group and others' permissions away from an existing one that this user owns
 *   (one another user owns was set up by that user, and only they may change it);
 * - adds group and others to the process's umask, as PostgreSQL's server does at start:
 *   PGlite's files are created `0666` and its folders `0777` less the umask, whatever
 *   PostgreSQL asks, and so is the unix socket through which the database is shared.
 */
export function ensurePrivateDirectory(directory: string): void {
  process.umask(process.umask(GROUP_AND_OTHERS) | GROUP_AND_OTHERS);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const { mode, uid } = statSync(directory);
  if ((mode & GROUP_AND_OTHERS) !== 0 && uid === process.getuid?.()) chmodSync(directory, mode & 0o700);
}
