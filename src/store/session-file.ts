/** SessionStore as one file per destination, mode 0600, under the data folder. */
import { mkdir, readFile, rm, writeFile, rename, chmod } from "node:fs/promises";
import path from "node:path";
import type { SessionStore } from "../core/adapter.js";

export function sessionFile(dataDir: string, destinationId: string): string {
  return path.join(dataDir, "sessions", `${destinationId}.session`);
}

export function fileSessionStore(file: string): SessionStore {
  return {
    async load() {
      try {
        return await readFile(file, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    async save(data) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      // Write then rename, so that a crash never leaves half a session.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, data, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, file);
    },
    async clear() {
      await rm(file, { force: true });
    },
  };
}
