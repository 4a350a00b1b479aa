/**
 * What the kit's JSON client throws when the platform answered: typed fields to classify on,
 * never a secret (the request is named by method and route, not by its URL). Pure data classes,
 * apart from json-client.ts so that an adapter's classify loads no HTTP client at import.
 */
import type { RateLimitInfo } from "./rate-limit-headers.js";

/** Which request failed: method and route, e.g. "POST /webhooks/{id}/{token}". No query string, no secret. */
export interface RequestName {
  method: string;
  route: string;
}

/** The platform answered with a status that is not 2xx. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly request: RequestName,
    readonly status: number,
    /** The error body, read once: parsed JSON when the content type says JSON and it parses, else text (capped). */
    readonly body: unknown,
    /** Response headers, lowercase names, repeated values joined with ", ". */
    readonly headers: Readonly<Record<string, string>>,
    /** The rate-limit headers, read once (rate-limit-headers.ts). */
    readonly rateLimit: RateLimitInfo,
  ) {
    super(`${request.method} ${request.route}: HTTP ${status}${summary(body)}`);
  }
}

/**
 * A 2xx whose body could not be read (not JSON where JSON was promised, too large, cut off):
 * the platform did what was asked, but what it created is unknown.
 */
export class ResponseBodyError extends Error {
  override name = "ResponseBodyError";
  constructor(
    readonly request: RequestName,
    readonly status: number,
    readonly reason: string,
  ) {
    super(`${request.method} ${request.route}: HTTP ${status} with an unreadable body (${reason})`);
  }
}

/** A short hint of the error body for the message: its `message`/`error`/`description`, or the text. */
function summary(body: unknown): string {
  let text: unknown = body;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    text = [b.message, b.error, b.description, b.detail, b.title].find((v) => typeof v === "string" && v !== "");
  }
  if (typeof text !== "string" || text.trim() === "") return "";
  const line = text.replace(/\s+/g, " ").trim();
  return `: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

/** True for an HttpError, also one made by another copy of this module (checked by shape). Pure. */
export function isHttpError(err: unknown): err is HttpError {
  const e = err as Partial<HttpError> | null;
  return err instanceof HttpError || (err instanceof Error && e?.name === "HttpError" && typeof e.status === "number" && typeof e.request === "object");
}
