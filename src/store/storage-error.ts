/**
 * A failure of the store itself (its file cannot be created, written or read, or is damaged), as
 * opposed to a failure of the feed or post at hand: it names the file, says what is wrong and what
 * to do. Any store implementation throws it; callers stop rather than blame a feed or a post.
 */
export type StorageProblem = "unwritable" | "not-a-database" | "not-crier" | "damaged" | "full" | "io" | "newer-schema";

export class StorageError extends Error {
  override name = "StorageError";
  constructor(
    /** The database file (or, for a server store, its address). */
    readonly file: string,
    readonly problem: StorageProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What to do after moving a lost delivery log aside: the first-run rule, said once. */
const AFRESH =
  "Crier then starts a new delivery log: every feed is on its first run again (it records what is there; only its newest `backlog` items are posted, possibly again)";

/** The operator's message for a problem with `file`; `detail` is the system's own words. Pure. */
export function storageMessage(file: string, problem: StorageProblem, detail: string): string {
  const folder = file.replace(/[/\\][^/\\]*$/, "") || "/";
  switch (problem) {
    case "unwritable":
      return `the delivery log ${file} cannot be created or written (${detail}). Crier must write there: make ${folder} a folder the user running Crier can write to, or set storage.path in the config to a file in one.`;
    case "not-a-database":
      return `${file} is not an SQLite database, or its first page is damaged (${detail}). If it is Crier's delivery log, stop Crier and restore it from a backup; if it is another file, set storage.path in the config to a new file. Or move it aside (mv ${file} ${file}.bad): ${AFRESH}.`;
    case "not-crier":
      return `${file} is an SQLite database but not Crier's delivery log (${detail}). Set storage.path in the config to a new file, or move this one aside.`;
    case "damaged":
      return `the delivery log ${file} is damaged (${detail}). Stop every Crier process using it, then restore it from a backup; or move it aside with its -wal and -shm files (mv ${file} ${file}.damaged) and run again: ${AFRESH}. \`sqlite3 ${file}.damaged .recover\` may save most of the old one.`;
    case "full":
      return `the disk holding the delivery log ${file} is full (${detail}). Free some space, then run again: nothing was lost.`;
    case "io":
      return `reading or writing the delivery log ${file} failed (${detail}). Check the disk and the file's permissions, then run again; if it keeps failing, restore the file from a backup.`;
    case "newer-schema":
      return `the delivery log ${file} was written by a newer Crier (${detail}). Upgrade Crier, or set storage.path in the config to another file.`;
  }
}
