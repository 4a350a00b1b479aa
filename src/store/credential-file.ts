/**
 * CredentialStore as one file per destination (`data/sessions/<destination>.credential.json`,
 * mode 0600), never the database. Written whole to a temp file, fsynced and renamed, so that a
 * crash leaves the old credential or the new one, never half. One renewal at a time per file: a
 * queue in this process, and a lock file across processes (`crier check` beside `crier run`), so
 * that a single-use refresh token is spent once. The renewal reads the file again inside both,
 * so a caller that waited gets what the one before it stored.
 */
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { CredentialStore, RefreshableCredential } from "../core/adapter.js";

export function credentialFile(dataDir: string, destinationId: string): string {
  return path.join(dataDir, "sessions", `${destinationId}.credential.json`);
}

export interface CredentialFileOptions {
  /** Told every token read or stored, so that logs and stored errors scrub it. */
  onSecrets?: (values: readonly string[]) => void;
  /** How long to wait for another process's renewal before giving up (ms). */
  lockWaitMs?: number;
  /** A lock older than this is a crashed process's, and is taken over (ms). */
  staleLockMs?: number;
}

/** Renewals in flight in this process, by file. */
const queues = new Map<string, Promise<unknown>>();

const isCredential = (v: unknown): v is RefreshableCredential => {
  const c = v as Partial<RefreshableCredential> | null;
  return typeof c === "object" && c !== null && typeof c.accessToken === "string" && c.accessToken !== "" && (c.expiresAt === null || typeof c.expiresAt === "number");
};

export function fileCredentialStore(file: string, opts: CredentialFileOptions = {}): CredentialStore {
  const remember = (c: RefreshableCredential | null): RefreshableCredential | null => {
    if (c) opts.onSecrets?.([c.accessToken, c.refreshToken].filter((t): t is string => typeof t === "string"));
    return c;
  };
  const read = async (): Promise<RefreshableCredential | null> => {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new Error(`cannot read the stored credential ${file}: ${(err as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    if (!isCredential(parsed)) throw new Error(`${file} is not a credential Crier wrote: delete it to start again from the token in the config`);
    return remember(parsed);
  };
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = (queues.get(file) ?? Promise.resolve()).then(() => withLock(`${file}.lock`, work, opts));
    const tail = run.catch(() => undefined);
    queues.set(file, tail);
    void tail.then(() => queues.get(file) === tail && queues.delete(file));
    return run;
  };
  return {
    load: read,
    refresh(renew) {
      return serial(async () => {
        const next = await renew(await read());
        if (!isCredential(next)) throw new Error("the renewed credential has no access token: nothing was stored");
        remember(next); // before the write: a failure's message must not show it
        try {
          await writeAtomic(file, `${JSON.stringify(next)}\n`);
        } catch (err) {
          throw new Error(`the renewed credential could not be stored in ${file} (${(err as Error).message}): it is lost, and a single-use refresh token with it; fix the data folder, then authorise again if the platform refuses the old one`);
        }
        return next;
      });
    },
    clear: () => serial(() => rm(file, { force: true })),
  };
}

/** Writes `text` to `file` (0600) so that a crash leaves the old file or the new one. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, "w", 0o600);
  try {
    await handle.chmod(0o600); // a file left by an older run keeps its mode otherwise
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
  // The rename itself is made durable by syncing the folder (where the platform allows it).
  const folder = await open(dir, "r").catch(() => null);
  await folder?.sync().catch(() => undefined);
  await folder?.close();
}

/** Runs `work` holding `lockPath` (created exclusively); waits for another holder, takes over a dead one's. */
async function withLock<T>(lockPath: string, work: () => Promise<T>, opts: CredentialFileOptions): Promise<T> {
  const waitUntil = Date.now() + (opts.lockWaitMs ?? 60_000);
  await mkdir(path.dirname(lockPath), { recursive: true, mode: 0o700 });
  for (let pause = 10; ; pause = Math.min(pause * 2, 250)) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    if (await isStale(lockPath, opts.staleLockMs ?? 5 * 60_000)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > waitUntil) {
      throw new Error(`${lockPath}: another Crier process has been renewing this credential for too long; if none is running, delete the lock file`);
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  try {
    return await work();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** The holder is gone (no such process on this machine), or has held it longer than a renewal can take. */
async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, "utf8"), stat(lockPath)]);
    if (Date.now() - info.mtimeMs > staleMs) return true;
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - info.mtimeMs > 1_000; // being written, or garbage
    try {
      process.kill(pid, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ESRCH";
    }
  } catch {
    return false; // gone already: the next try takes it
  }
}
