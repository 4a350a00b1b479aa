// Reading a request the way Rails does: the body, its headers, and its form parameters.
import type http from "node:http";
import type { RecordedRequest, UploadedFile } from "./types.js";

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function header(req: http.IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** Rails' nesting of repeated keys: `media_ids[]=1&media_ids[]=2` is `media_ids: ["1", "2"]`. */
function put(params: Record<string, unknown>, key: string, value: string): void {
  if (!key.endsWith("[]")) return void (params[key] = value);
  const name = key.slice(0, -2);
  const list = Array.isArray(params[name]) ? (params[name] as unknown[]) : [];
  params[name] = [...list, value];
}

/**
 * Form data parameters (docs) as JSON, application/x-www-form-urlencoded or multipart/form-data,
 * as Rails parses all three. Multipart is parsed by undici's `Response.formData()`; its file parts
 * go to `rec.files`.
 */
export async function paramsOf(contentType: string, body: Buffer, rec: RecordedRequest): Promise<void> {
  if (/^application\/json/i.test(contentType) && body.length > 0) {
    try {
      rec.json = JSON.parse(body.toString("utf8"));
      if (rec.json && typeof rec.json === "object" && !Array.isArray(rec.json)) rec.params = { ...(rec.json as Record<string, unknown>) };
    } catch {
      // no parameters: answered like a missing status
    }
  } else if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) put(rec.params, k, v);
  } else if (/^multipart\/form-data/i.test(contentType)) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      return; // unparseable: no parameters
    }
    const files: Record<string, UploadedFile> = {};
    for (const [k, v] of form) {
      if (typeof v === "string") put(rec.params, k, v);
      else files[k] = { bytes: Buffer.from(await v.arrayBuffer()), type: v.type, name: v.name };
    }
    rec.files = files;
  }
}
