/**
 * Atom text constructs and content (RFC 4287 §3.1, §4.1.3; Atom 0.3's `mode`) read by what their
 * `type` and `mode` say: text and HTML as they are, base64 decoded when its type is text, and
 * nothing from binary or XML payloads (a picture or a data document is not the article's text). Pure.
 */

/** What an Atom `type` attribute says the element holds. */
export type AtomKind = "text" | "html" | "xml" | "binary";

/** RFC 4287: "text", "html", "xhtml" or a MIME type; Atom 0.3: a MIME type (default text/plain). */
export function atomKindOf(type: string | null | undefined): AtomKind {
  const t = (type ?? "").trim().toLowerCase().split(";", 1)[0]?.trim() ?? "";
  if (t === "" || t === "text" || t === "text/plain") return "text";
  if (t === "html" || t === "xhtml" || t === "text/html" || t === "application/xhtml+xml") return "html";
  if (t.endsWith("+xml") || t.endsWith("/xml")) return "xml";
  if (t.startsWith("text/")) return "text";
  // RFC 4287 §4.1.3.3: any other MIME type is base64 of a binary payload; a bare word is no MIME type.
  return t.includes("/") ? "binary" : "text";
}

/** Strict base64 (whitespace allowed between lines): anything else is not what `mode` claims. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The text of an Atom element from its xml2js value (`"…"`, `{ _: "…", $: { type, mode, src } }`,
 * or an array of them): null when it has none to post (out-of-line `src`, binary or XML payload).
 */
export function atomText(value: unknown): string | null {
  const element = Array.isArray(value) ? value[0] : value;
  if (typeof element === "string") return element.trim() || null;
  if (!element || typeof element !== "object") return null;
  const { _: body, $: attrs = {} } = element as { _?: unknown; $?: Record<string, unknown> };
  const attr = (name: string): string | null => (typeof attrs[name] === "string" ? (attrs[name] as string) : null);
  if (attr("src")) return null;
  const kind = atomKindOf(attr("type"));
  if (kind === "binary" || kind === "xml") return null;
  const content = typeof body === "string" ? body.trim() : "";
  if (!content) return null;
  if (attr("mode")?.trim().toLowerCase() !== "base64") return content;
  const compact = content.replace(/\s+/g, "");
  return BASE64.test(compact) ? Buffer.from(compact, "base64").toString("utf8").trim() || null : content;
}
