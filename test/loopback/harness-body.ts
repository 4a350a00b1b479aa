// Request bodies as a platform's server reads them: JSON, form-urlencoded, multipart/form-data.
// Multipart is parsed by Node's own fetch implementation (`Response#formData`, RFC 7578), not by hand.

/** A file part of a multipart body. */
export interface UploadedFile {
  bytes: Buffer;
  /** The part's Content-Type ("application/octet-stream" when the client sent none). */
  type: string;
  filename: string;
}

export interface ParsedBody {
  /** Set for `application/json` (and `+json`) bodies that parse. */
  json?: unknown;
  /** Why a JSON body did not parse (the platform's server answers its own error for it). */
  jsonError?: string;
  /** `application/x-www-form-urlencoded` fields; a repeated name (`media_ids[]`) gives an array. */
  form?: Record<string, string | string[]>;
  /** `multipart/form-data`: text fields (repeated names give arrays) and file parts by field name. */
  multipart?: { fields: Record<string, string | string[]>; files: Record<string, UploadedFile> };
  /** Why a multipart body did not parse. */
  multipartError?: string;
}

function put(into: Record<string, string | string[]>, name: string, value: string): void {
  const had = into[name];
  into[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
}

/** Parses `body` by its Content-Type. Never throws: a body that does not parse is reported, not fatal. */
export async function parseBody(contentType: string, body: Buffer): Promise<ParsedBody> {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (body.length === 0) return {};
  if (type === "application/json" || type.endsWith("+json")) {
    try {
      return { json: JSON.parse(body.toString("utf8")) as unknown };
    } catch (err) {
      return { jsonError: err instanceof Error ? err.message : String(err) };
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    const form: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) put(form, k, v);
    return { form };
  }
  if (type === "multipart/form-data") {
    try {
      const data = await new Response(body, { headers: { "content-type": contentType } }).formData();
      const fields: Record<string, string | string[]> = {};
      const files: Record<string, UploadedFile> = {};
      for (const [name, value] of data) {
        if (typeof value === "string") put(fields, name, value);
        else files[name] = { bytes: Buffer.from(await value.arrayBuffer()), type: value.type || "application/octet-stream", filename: value.name };
      }
      return { multipart: { fields, files } };
    } catch (err) {
      return { multipartError: err instanceof Error ? err.message : String(err) };
    }
  }
  return {};
}
