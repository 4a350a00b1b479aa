// Request parameter decoding and the error envelope of the loopback Bot API server.
//   https://core.telegram.org/bots/api#making-requests
//   "We support four ways of passing parameters in Bot API requests: URL query string,
//    application/x-www-form-urlencoded, application/json (except for uploading files),
//    multipart/form-data (use to upload files)"
import { MultipartError, boundaryOf, parseMultipart } from "./multipart.js";
import type { UploadedFile } from "./types.js";

export type Params = Record<string, unknown>;

/**
 * A failed call. https://core.telegram.org/bots/api#making-requests: "'ok' equals false and the
 * error is explained in the 'description'. An Integer 'error_code' field is also returned ... Some
 * errors may also have an optional field 'parameters' of the type ResponseParameters".
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

export interface ParsedParams {
  params: Params;
  files: Record<string, UploadedFile>;
  error?: ApiError;
}

/** Query-string parameters first, then the body's (the body wins on a clash). */
export function parseParams(url: URL, contentType: string, body: Buffer): ParsedParams {
  const params: Params = Object.fromEntries(url.searchParams);
  const files: Record<string, UploadedFile> = {};
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  try {
    if (type === "application/json") {
      if (body.length > 0) {
        const value: unknown = JSON.parse(body.toString("utf8"));
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          return { params, files, error: badRequest("JSON object expected") };
        }
        Object.assign(params, value);
      }
    } else if (type === "application/x-www-form-urlencoded") {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
    } else if (type === "multipart/form-data") {
      const boundary = boundaryOf(contentType);
      if (!boundary) return { params, files, error: badRequest("multipart boundary is not specified") };
      const parsed = parseMultipart(body, boundary);
      Object.assign(params, parsed.fields);
      Object.assign(files, parsed.files);
    }
  } catch (err) {
    if (err instanceof SyntaxError) return { params, files, error: badRequest("can't parse JSON object") };
    if (err instanceof MultipartError) return { params, files, error: badRequest(`can't parse multipart/form-data: ${err.message}`) };
    throw err;
  }
  return { params, files };
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
