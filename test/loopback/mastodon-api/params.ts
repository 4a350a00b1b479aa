// Form data parameters as Rails reads them (each method's "Form data parameters" in
// https://docs.joinmastodon.org/methods/, read 2026-12-06): JSON, application/x-www-form-urlencoded
// or multipart/form-data, all three parsed by the harness. Rails nests a repeated `key[]`
// (`media_ids[]=1&media_ids[]=2`) into an array under `key`; a repeated plain key keeps its last value.
import type { RecordedRequest } from "../harness.js";

export function paramsOf(req: RecordedRequest): Record<string, unknown> {
  if (req.json !== undefined) return req.json !== null && typeof req.json === "object" && !Array.isArray(req.json) ? { ...(req.json as Record<string, unknown>) } : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.form ?? req.multipart?.fields ?? {})) {
    if (key.endsWith("[]")) params[key.slice(0, -2)] = Array.isArray(value) ? value : [value];
    else params[key] = Array.isArray(value) ? value.at(-1) : value;
  }
  return params;
}
