/** DestinationStore on SQLite: one row per destination, written whole. */
import type { DestinationState, DestinationStore } from "../destinations.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";

export class SqliteDestinationStore implements DestinationStore {
  constructor(readonly conn: SqliteConnection) {}

  async getDestinationStates(): Promise<readonly DestinationState[]> {
    const rows = this.conn.stmt("SELECT * FROM destinations ORDER BY id").all() as Row[];
    return rows.map((r) => ({
      destinationId: r.id as string,
      pausedUntil: r.paused_until as number | null,
      pausedReason: r.paused_reason as string | null,
      consecutiveRejections: r.consecutive_rejections as number,
    }));
  }

  async putDestinationState(s: DestinationState, now: number): Promise<void> {
    this.conn.stmt(
      `INSERT INTO destinations (id, paused_until, paused_reason, consecutive_rejections, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET paused_until = excluded.paused_until, paused_reason = excluded.paused_reason,
         consecutive_rejections = excluded.consecutive_rejections, updated_at = excluded.updated_at`,
    ).run(s.destinationId, s.pausedUntil, s.pausedReason, s.consecutiveRejections, now);
  }
}
guardStorageErrors(SqliteDestinationStore);
