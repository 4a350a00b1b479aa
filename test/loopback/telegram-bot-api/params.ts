// Request parameters and the error envelope of the loopback Bot API server.
//   https://core.telegram.org/bots/api#making-requests (read 2026-12-06, Bot API 10.2):
//   "We support four ways of passing parameters in Bot API requests: URL query string,
//    application/x-www-form-urlencoded, application/json (except for uploading files),
//    multipart/form-data (use to upload files)". The harness parses the bodies (harness-body.ts).
import type { RecordedRequest } from "../harness.js";
import type { BotApiCall } from "./types.js";

export type Params = Record<string, unknown>;

/**
 * A failed call. #making-requests: "'ok' equals false and the error is explained in the
 * 'description'. An Integer 'error_code' field is also returned ... Some errors may also have an
 * optional field 'parameters' of the type ResponseParameters".
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

/** Form fields as scalars: a repeated name keeps its last value. */
const lastValues = (fields: Record<string, string | string[]>): Params =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.at(-1) : v]));

/**
 * A recorded request as a Bot API call: the token and method from `/bot<token>/<method>`, the
 * query-string parameters, then the body's (the body wins on a clash). `error`: a body that does not decode.
 */
export function callOf(rec: RecordedRequest): { call: BotApiCall; error?: ApiError } {
  const params: Params = { ...rec.query };
  let error: ApiError | undefined;
  if (rec.jsonError !== undefined) error = badRequest("can't parse JSON object");
  else if (rec.json !== undefined) {
    if (typeof rec.json !== "object" || rec.json === null || Array.isArray(rec.json)) error = badRequest("JSON object expected");
    else Object.assign(params, rec.json);
  } else if (rec.form) Object.assign(params, lastValues(rec.form));
  else if (rec.multipartError !== undefined) error = badRequest(`can't parse multipart/form-data: ${rec.multipartError}`);
  else if (rec.multipart) Object.assign(params, lastValues(rec.multipart.fields));
  const call: BotApiCall = {
    method: rec.params.method ?? "", httpMethod: rec.method, path: rec.path, token: rec.params.token ?? "",
    contentType: String(rec.headers["content-type"] ?? ""), params, files: { ...rec.multipart?.files }, receivedAt: rec.receivedAt, http: rec,
  };
  return error ? { call, error } : { call };
}

/** A scalar parameter as a string (form encodings carry strings, JSON may carry numbers/booleans). */
export function stringParam(p: Params, name: string): string | undefined {
  const v = p[name];
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

/** "Boolean" parameters: JSON true/false, or the strings "true"/"false"/"1"/"0" from form encodings. */
export function boolParam(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  const s = String(v).trim().toLowerCase();
  return s === "true" || s === "1" || s === "yes";
}

/** "Integer" parameters: a JSON number or a decimal string. */
export function intParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === "string" && /^\s*-?\d{1,16}\s*$/.test(v)) return Number(v.trim());
  return undefined;
}

/** "A JSON-serialized ..." parameter: a JSON string (form encodings) or an already-decoded value. */
export function jsonParam(p: Params, name: string): { value: unknown } | { invalid: true } | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") return { value: v };
  try {
    return { value: JSON.parse(v) as unknown };
  } catch {
    return { invalid: true };
  }
}
