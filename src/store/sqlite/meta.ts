/** MetaStore on SQLite: the meta key/value table and the alert throttle. */
import type { MetaStore } from "../meta.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";

export class SqliteMetaStore implements MetaStore {
  constructor(readonly conn: SqliteConnection) {}

  async getMeta(key: string): Promise<string | null> {
    const row = this.conn.stmt("SELECT value FROM meta WHERE key = ?").get(key) as Row | undefined;
    return row ? (row.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.conn.stmt("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value);
  }

  async claimAlert(key: string, now: number, throttleMs: number, maxPerHour: number): Promise<boolean> {
    return this.conn.db.transaction(() => {
      const last = this.conn.stmt("SELECT last_sent_at FROM alerts WHERE alert_key = ?").get(key) as Row | undefined;
      const recent = (this.conn.stmt("SELECT COUNT(*) AS n FROM alerts WHERE last_sent_at > ?").get(now - 3_600_000) as Row).n as number;
      if ((last && (last.last_sent_at as number) > now - throttleMs) || recent >= maxPerHour) {
        this.conn.stmt("UPDATE alerts SET suppressed = suppressed + 1 WHERE alert_key = ?").run(key);
        return false;
      }
      this.conn.stmt("INSERT INTO alerts (alert_key, last_sent_at) VALUES (?, ?) ON CONFLICT (alert_key) DO UPDATE SET last_sent_at = excluded.last_sent_at, suppressed = 0")
        .run(key, now);
      return true;
    })();
  }
}
guardStorageErrors(SqliteMetaStore);
