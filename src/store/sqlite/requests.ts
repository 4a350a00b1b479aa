/** RequestStore on SQLite: the operator_requests table (a handful of rows at most; each is forgotten once read). */
import type { OperatorRequest, RequestError, RequestState, RequestStore } from "../requests.js";
import { guardStorageErrors, type Row, type SqliteConnection } from "./connection.js";

export class SqliteRequestStore implements RequestStore {
  constructor(readonly conn: SqliteConnection) {}

  async submit(op: string, args: unknown, now: number): Promise<number> {
    return Number(this.conn.stmt("INSERT INTO operator_requests (op, args, requested_at) VALUES (?, ?, ?)").run(op, JSON.stringify(args ?? null), now).lastInsertRowid);
  }

  async take(owner: string, now: number, abandonedAfterMs: number): Promise<OperatorRequest | null> {
    const { conn } = this;
    const row = conn.db.transaction((): Row | undefined => {
      const before = now - abandonedAfterMs;
      conn.stmt("DELETE FROM operator_requests WHERE (taken_at IS NULL AND requested_at < ?) OR (done_at IS NOT NULL AND done_at < ?)").run(before, before);
      // One indexed statement; on PostgreSQL the inner SELECT takes FOR UPDATE SKIP LOCKED.
      return conn.stmt(
        `UPDATE operator_requests SET taken_at = ?, taken_by = ?
         WHERE id = (SELECT id FROM operator_requests WHERE taken_at IS NULL ORDER BY id LIMIT 1)
         RETURNING id, op, args, requested_at`,
      ).get(now, owner) as Row | undefined;
    }).immediate();
    return row ? { id: row.id as number, op: row.op as string, args: JSON.parse(row.args as string) as unknown, requestedAt: row.requested_at as number } : null;
  }

  async finish(id: number, outcome: { result: unknown } | { error: RequestError }, now: number): Promise<void> {
    const [result, error] = "error" in outcome ? [null, JSON.stringify(outcome.error)] : [JSON.stringify(outcome.result ?? null), null];
    this.conn.stmt("UPDATE operator_requests SET done_at = ?, result = ?, error = ? WHERE id = ?").run(now, result, error, id);
  }

  async state(id: number): Promise<RequestState> {
    const row = this.conn.stmt("SELECT taken_by, done_at, result, error FROM operator_requests WHERE id = ?").get(id) as Row | undefined;
    if (!row) return { state: "gone" };
    if (row.done_at === null) return row.taken_by === null ? { state: "waiting" } : { state: "taken", by: row.taken_by as string };
    if (row.error !== null) return { state: "failed", error: JSON.parse(row.error as string) as RequestError };
    return { state: "done", result: JSON.parse(row.result as string) as unknown };
  }

  async withdraw(id: number): Promise<boolean> {
    return this.conn.stmt("DELETE FROM operator_requests WHERE id = ? AND taken_at IS NULL").run(id).changes > 0;
  }

  async forget(id: number): Promise<void> {
    this.conn.stmt("DELETE FROM operator_requests WHERE id = ?").run(id);
  }
}
guardStorageErrors(SqliteRequestStore);
