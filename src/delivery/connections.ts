/**
 * Each destination's connection to its platform, opened on first use (an adapter loads its SDK in
 * `connect`: a process that sends nothing to a platform never loads it) and closed at the end.
 */
import type { Logger } from "pino";
import type { Connection } from "../core/adapter.js";
import type { Destination } from "../config/load.js";
import { fileSessionStore, sessionFile } from "../store/session-file.js";
import { credentialFile, fileCredentialStore } from "../store/credential-file.js";

export class Connections {
  private readonly open = new Map<string, Promise<Connection<unknown>>>();

  constructor(
    private readonly logger: Logger,
    /** The config file's folder: relative paths in an adapter's config are relative to it. */
    private readonly baseDir: string,
    /** The delivery log's folder: sessions that outlive a process live under it. */
    private readonly dataDir: string,
    /** Told every stored token (renewed credentials), so that logs and stored errors scrub it. */
    private readonly onSecrets: (values: readonly string[]) => void = () => undefined,
  ) {}

  /** The destination's connection, opened once. May throw what the adapter's connect throws (not kept). */
  get(destination: Destination): Promise<Connection<unknown>> {
    let connection = this.open.get(destination.id);
    if (!connection) {
      connection = destination.adapter.connect(destination.cfg, {
        timeoutMs: destination.common.timeoutMs,
        logger: this.logger.child({ destination: destination.id }),
        baseDir: this.baseDir,
        session: fileSessionStore(sessionFile(this.dataDir, destination.id)),
        credentials: fileCredentialStore(credentialFile(this.dataDir, destination.id), { onSecrets: this.onSecrets }),
      });
      this.open.set(destination.id, connection);
      // A failed connect is tried again on the next use, not remembered.
      connection.catch(() => this.open.get(destination.id) === connection && this.open.delete(destination.id));
    }
    return connection;
  }

  /** Closes every open connection. Never throws. */
  async closeAll(): Promise<void> {
    const open = [...this.open.values()];
    this.open.clear();
    await Promise.all(open.map(async (c) => (await c.catch(() => null))?.close().catch(() => undefined)));
  }
}

