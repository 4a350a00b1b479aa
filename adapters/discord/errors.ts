/** The errors client.ts throws: apart from it so that classify (loaded at import) needs no HTTP client. */

/** Discord's JSON error body (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json), or a 429's (#rate-limits). */
export interface DiscordErrorBody {
  code?: number;
  message?: string;
  errors?: unknown;
  retry_after?: number;
  global?: boolean;
}

/** Headers kept from a failed answer (lowercase): retry-after, date, x-ratelimit-*. */
export type KeptHeaders = Record<string, string>;

/** Discord answered with a non-2xx status. */
export class DiscordApiError extends Error {
  override name = "DiscordApiError";
  constructor(
    /** e.g. "POST /webhooks/{id}/{token}" — never the token itself. */
    readonly route: string,
    readonly status: number,
    /** The parsed JSON body, or null when it was not JSON (e.g. a proxy's HTML page). */
    readonly body: DiscordErrorBody | null,
    readonly headers: KeptHeaders,
  ) {
    super(`${route}: ${status}${body?.message ? ` ${body.message}` : ""}${body?.code !== undefined ? ` (code ${body.code})` : ""}`);
  }
}

/** A 2xx whose body could not be read: the request succeeded, but what it created is unknown. */
export class DiscordResponseError extends Error {
  override name = "DiscordResponseError";
  constructor(readonly route: string, readonly status: number, reason: string) {
    super(`${route}: ${status} with an unreadable body (${reason})`);
  }
}
