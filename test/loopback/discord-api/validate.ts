// Execute Webhook body validation (https://discord.com/developers/docs/resources/webhook#execute-webhook, read 2026-11-27)
// and the mentions a message would ping (#allowed-mentions-object). Lengths are counted in code
// points: "the API calculates length based on the number of codepoints in the string"
// (https://github.com/discord/discord-api-docs/issues/1315, read 2026-11-27). Error codes and messages marked
// "observed" are Discord's own wording as client libraries record it; the rest are loopback choices.
import { addError, type ErrorTree } from "./errors.js";

const cp = (s: string): number => [...s].length;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** #execute-webhook-json/form-params. Other keys are ignored by Discord; the loopback lists them. */
export const DOCUMENTED_FIELDS = new Set([
  "content", "username", "avatar_url", "tts", "embeds", "allowed_mentions", "components", "files",
  "payload_json", "attachments", "flags", "thread_name", "applied_tags", "poll",
]);

/** #message-object-message-flags settable here: SUPPRESS_EMBEDS (1<<2), SUPPRESS_NOTIFICATIONS (1<<12), IS_COMPONENTS_V2 (1<<15). */
const SETTABLE_FLAGS = (1 << 2) | (1 << 12) | (1 << 15);

export interface Check {
  errors: ErrorTree;
  add(path: readonly string[], code: string, message: string): void;
}

function newCheck(): Check {
  const errors: ErrorTree = {};
  return { errors, add: (path, code, message) => addError(errors, path, code, message) };
}

/** Observed: "Must be 2000 or fewer in length." (BASE_TYPE_MAX_LENGTH). Returns the trimmed length counted. */
function text(c: Check, path: string[], value: unknown, max: number, { trim = true, required = false } = {}): number {
  if (value === undefined || value === null) {
    if (required) c.add(path, "BASE_TYPE_REQUIRED", "This field is required"); // #error-messages example
    return 0;
  }
  if (typeof value !== "string") {
    c.add(path, "BASE_TYPE_STRING", "Must be a string.");
    return 0;
  }
  const n = cp(trim ? value.trim() : value);
  if (n > max) c.add(path, "BASE_TYPE_MAX_LENGTH", `Must be ${max} or fewer in length.`);
  if (required && n === 0) c.add(path, "BASE_TYPE_REQUIRED", "This field is required");
  return n;
}

/**
 * Schemes a URL field takes. #embed-object-embed-image-structure (and the thumbnail, footer and
 * author icons): "only supports http(s) and attachments"; author.url "only supports http(s)"; the
 * embed's url and avatar_url are held to http(s) too (loopback choice: the docs say nothing).
 */
const WEB = ["http", "https"] as const;
const MEDIA = ["http", "https", "attachment"] as const;

/**
 * Unparsable → "Not a well formed URL." (URL_TYPE_INVALID_URL, observed); parsable with another
 * scheme, or empty → URL_TYPE_INVALID_SCHEME `Scheme "ftp" is not supported. Scheme must be one of
 * ('http', 'https').` (observed: https://github.com/discord/discord-api-docs/issues/5837 (read 2026-11-27)).
 */
function url(c: Check, path: string[], value: unknown, { required = false, schemes = WEB as readonly string[] } = {}): void {
  if (value === undefined || value === null) {
    if (required) c.add(path, "BASE_TYPE_REQUIRED", "This field is required");
    return;
  }
  if (typeof value !== "string") return c.add(path, "BASE_TYPE_STRING", "Must be a string.");
  let scheme: string | null = value === "" ? "" : null;
  try {
    scheme ??= new URL(value).protocol.replace(/:$/, "");
  } catch {
    return c.add(path, "URL_TYPE_INVALID_URL", "Not a well formed URL.");
  }
  if (!schemes.includes(scheme)) {
    c.add(path, "URL_TYPE_INVALID_SCHEME", `Scheme "${scheme}" is not supported. Scheme must be one of (${schemes.map((s) => `'${s}'`).join(", ")}).`);
  }
}

/** #embed-object-embed-structure and #embed-object-embed-limits; returns the embed's characters toward the 6000 total. */
function embed(c: Check, at: string[], e: unknown): number {
  if (!isObject(e)) {
    c.add(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    return 0;
  }
  let total = text(c, [...at, "title"], e.title, 256) + text(c, [...at, "description"], e.description, 4096);
  url(c, [...at, "url"], e.url);
  if (e.timestamp !== undefined && (typeof e.timestamp !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(e.timestamp) || Number.isNaN(Date.parse(e.timestamp)))) {
    c.add([...at, "timestamp"], "DATE_TIME_TYPE_PARSE", `Could not parse ${String(e.timestamp)}. Should be ISO8601.`);
  }
  if (e.color !== undefined && e.color !== null && !(Number.isInteger(e.color) && (e.color as number) >= 0 && (e.color as number) <= 0xffffff)) {
    c.add([...at, "color"], "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.");
  }
  if (e.footer !== undefined) {
    const f = isObject(e.footer) ? e.footer : {};
    total += text(c, [...at, "footer", "text"], f.text, 2048, { required: true });
    url(c, [...at, "footer", "icon_url"], f.icon_url, { schemes: MEDIA });
  }
  if (e.author !== undefined) {
    const a = isObject(e.author) ? e.author : {};
    total += text(c, [...at, "author", "name"], a.name, 256, { required: true });
    url(c, [...at, "author", "url"], a.url);
    url(c, [...at, "author", "icon_url"], a.icon_url, { schemes: MEDIA });
  }
  // #embed-object-embed-image-structure / -thumbnail-structure: `url` is the one field a sender sets.
  for (const media of ["image", "thumbnail"] as const) {
    const m = e[media];
    if (m === undefined || m === null) continue;
    if (!isObject(m)) c.add([...at, media], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
    else url(c, [...at, media, "url"], m.url, { required: true, schemes: MEDIA });
  }
  if (e.fields !== undefined) {
    const fields = Array.isArray(e.fields) ? e.fields : [];
    if (fields.length > 25) c.add([...at, "fields"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    fields.forEach((f: unknown, i) => {
      const field = isObject(f) ? f : {};
      total += text(c, [...at, "fields", String(i), "name"], field.name, 256, { required: true });
      total += text(c, [...at, "fields", String(i), "value"], field.value, 1024, { required: true });
    });
  }
  return total;
}

function allowedMentions(c: Check, am: unknown): void {
  if (am === undefined || am === null) return;
  if (!isObject(am)) return c.add(["allowed_mentions"], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
  const parse = Array.isArray(am.parse) ? (am.parse as unknown[]) : [];
  parse.forEach((p, i) => {
    if (p !== "roles" && p !== "users" && p !== "everyone") {
      c.add(["allowed_mentions", "parse", String(i)], "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone').");
    }
  });
  for (const kind of ["users", "roles"] as const) {
    const ids = am[kind];
    if (ids === undefined) continue;
    if (!Array.isArray(ids) || ids.length > 100) c.add(["allowed_mentions", kind], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.");
    // #allowed-mentions-object: a type in `parse` and a list of the same type are mutually exclusive.
    else if (ids.length && parse.includes(kind)) {
      c.add(["allowed_mentions"], "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["${kind}"] and ${kind}: [ids] are mutually exclusive.`);
    }
  }
}

/** Validates an Execute Webhook JSON body; `errors` is empty when it is valid. */
export function validateExecute(body: Record<string, unknown>): { errors: ErrorTree; ignored: string[] } {
  const c = newCheck();
  // #execute-webhook-json/form-params: "content … (up to 2000 characters)".
  text(c, ["content"], body.content, 2000, { trim: false });
  if (body.username !== undefined) {
    const n = text(c, ["username"], body.username, 80);
    if (n === 0 && typeof body.username === "string") c.add(["username"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 80 in length.");
    // #create-webhook: names may not contain "clyde" or "discord"; the override is held to the same rule.
    const bad = typeof body.username === "string" ? /clyde|discord/i.exec(body.username) : null;
    if (bad) c.add(["username"], "USERNAME_INVALID_CONTAINS", `Username cannot contain "${bad[0].toLowerCase()}"`);
  }
  url(c, ["avatar_url"], body.avatar_url);
  if (body.tts !== undefined && typeof body.tts !== "boolean") c.add(["tts"], "BASE_TYPE_BOOLEAN", "Must be either true or false.");
  if (body.flags !== undefined && !(Number.isInteger(body.flags) && ((body.flags as number) & ~SETTABLE_FLAGS) === 0)) {
    c.add(["flags"], "MESSAGE_FLAGS_INVALID", "Invalid message flags.");
  }
  if (body.embeds !== undefined && body.embeds !== null) {
    if (!Array.isArray(body.embeds)) c.add(["embeds"], "BASE_TYPE_ARRAY", "Must be an array.");
    else {
      if (body.embeds.length > 10) c.add(["embeds"], "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length."); // "array of up to 10 embed objects"
      const total = body.embeds.reduce((sum: number, e: unknown, i) => sum + embed(c, ["embeds", String(i)], e), 0);
      // #embed-limits: the 6000-character sum "across all embeds"; observed wording.
      if (total > 6000) c.add(["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
    }
  }
  allowedMentions(c, body.allowed_mentions);
  if (body.thread_name !== undefined) text(c, ["thread_name"], body.thread_name, 100);
  const ignored = Object.keys(body).filter((k) => !DOCUMENTED_FIELDS.has(k));
  return { errors: c.errors, ignored };
}

/** #execute-webhook: "you must provide a value for at least one of content, embeds, components, file, or poll". */
export function isEmptyMessage(body: Record<string, unknown>): boolean {
  const has = (v: unknown) => Array.isArray(v) && v.length > 0;
  return !(typeof body.content === "string" && body.content.trim() !== "") && !has(body.embeds) && !has(body.components) && !isObject(body.poll);
}

/**
 * Who a message pings (#allowed-mentions-object): mentions are parsed from `content` only, and
 * "this will always validate against message content" — `parse` allows a type, `users`/`roles` allow
 * listed ids. Without `allowed_mentions`, everything in the content is parsed.
 */
export function mentionsOf(content: string, am: unknown): { everyone: boolean; users: string[]; roles: string[] } {
  const given = isObject(am);
  const parse = new Set(given ? (Array.isArray(am.parse) ? (am.parse as unknown[]) : []) : ["roles", "users", "everyone"]);
  const listed = (kind: "users" | "roles") => (given && Array.isArray(am[kind]) ? (am[kind] as unknown[]).map(String) : []);
  const users = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1] ?? "").filter((id) => parse.has("users") || listed("users").includes(id));
  const roles = [...content.matchAll(/<@&(\d+)>/g)].map((m) => m[1] ?? "").filter((id) => parse.has("roles") || listed("roles").includes(id));
  return { everyone: parse.has("everyone") && /@(everyone|here)\b/.test(content), users: [...new Set(users)], roles: [...new Set(roles)] };
}
