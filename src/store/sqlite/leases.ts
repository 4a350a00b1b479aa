/**
 * LeaseStore on SQLite: the leases table, every time from SQLite's clock (DB_NOW_MS). A PostgreSQL
 * store ports the statements as they are, with clock_timestamp() for the clock.
 */
import type { Acquired, Lease, LeaseOwnerInfo, LeaseStore } from "../leases.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";

/**
 * The database's clock in epoch milliseconds, as an SQL expression (julianday has millisecond
 * precision). Constant within one statement, so one statement compares and writes the same "now".
 */
export const DB_NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

/** A lease row is live while this holds (`l` is the leases row). */
export const LIVE_LEASE = `l.expires_at > ${DB_NOW_MS}`;

const SELECT = `SELECT l.*, ${DB_NOW_MS} AS db_now FROM leases l WHERE l.name = ?`;

export class SqliteLeaseStore implements LeaseStore {
  constructor(readonly conn: SqliteConnection) {}

  async acquire(name: string, owner: string, info: LeaseOwnerInfo, ttlMs: number, opts: { replacing?: string } = {}): Promise<Acquired> {
    const { conn } = this;
    return conn.db.transaction((): Acquired => {
      // One upsert: free, expired, already ours, or a holder known to be gone. Whoever comes second loses.
      const taken = conn.stmt(
        `INSERT INTO leases AS l (name, owner, owner_info, acquired_at, renewed_at, expires_at)
         VALUES (?, ?, ?, ${DB_NOW_MS}, ${DB_NOW_MS}, ${DB_NOW_MS} + ?)
         ON CONFLICT (name) DO UPDATE SET
           owner = excluded.owner, owner_info = excluded.owner_info,
           acquired_at = CASE WHEN l.owner = excluded.owner THEN l.acquired_at ELSE excluded.acquired_at END,
           renewed_at = excluded.renewed_at, expires_at = excluded.expires_at
         WHERE l.expires_at <= excluded.renewed_at OR l.owner = excluded.owner OR l.owner = ?`,
      ).run(name, owner, JSON.stringify(info), Math.round(ttlMs), opts.replacing ?? null).changes;
      const row = conn.stmt(SELECT).get(name) as Row;
      return taken ? { ok: true, lease: toLease(row) } : { ok: false, holder: toLease(row) };
    }).immediate();
  }

  async renew(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    const { conn } = this;
    return conn.db.transaction((): Lease | null => {
      const renewed = conn.stmt(`UPDATE leases SET renewed_at = ${DB_NOW_MS}, expires_at = ${DB_NOW_MS} + ? WHERE name = ? AND owner = ?`).run(Math.round(ttlMs), name, owner).changes;
      return renewed ? toLease(conn.stmt(SELECT).get(name) as Row) : null;
    }).immediate();
  }

  async release(name: string, owner: string): Promise<boolean> {
    return this.conn.stmt("DELETE FROM leases WHERE name = ? AND owner = ?").run(name, owner).changes > 0;
  }

  async holder(name: string): Promise<Lease | null> {
    const row = this.conn.stmt(`${SELECT} AND ${LIVE_LEASE}`).get(name) as Row | undefined;
    return row ? toLease(row) : null;
  }
}
guardStorageErrors(SqliteLeaseStore);

function toLease(row: Row): Lease {
  return {
    name: row.name as string,
    owner: row.owner as string,
    info: JSON.parse(row.owner_info as string) as LeaseOwnerInfo,
    acquiredAt: row.acquired_at as number,
    renewedAt: row.renewed_at as number,
    expiresAt: row.expires_at as number,
    now: row.db_now as number,
  };
}
