/**
 * Explicit bidirectional formatting in feed text (Unicode UAX #9, §2.1-2.4), made harmless before
 * it reaches a post: overrides (LRO, RLO: they exist to spoof, `RTL \u202Egnp.exe` shows as
 * "RTL exe.png") are dropped with the PDF that ends them, stray closers are dropped, and embeddings
 * and isolates left open are closed at the end of the field (dropped when nothing follows them),
 * so that no field reorders the text around it. The marks Arabic and Hebrew text relies on (LRM,
 * RLM, ALM) and balanced embeddings and isolates are kept. Pure.
 */

const LRE = "\u202a";
const RLE = "\u202b";
const PDF = "\u202c";
const LRO = "\u202d";
const RLO = "\u202e";
const LRI = "\u2066";
const RLI = "\u2067";
const FSI = "\u2068";
const PDI = "\u2069";
const EXPLICIT = /[\u202a-\u202e\u2066-\u2069]/gu;
const HAS_EXPLICIT = /[\u202a-\u202e\u2066-\u2069]/u;

type Open = { kind: "embedding" | "override" | "isolate"; part: number };

/**
 * `text` with its explicit formatting balanced and its overrides removed; the text is one paragraph
 * (fields are folded to one line). `unclosed: "drop"` removes what is left open instead of closing
 * it, for a cut that must not grow (truncation).
 */
export function neutraliseBidi(text: string, unclosed: "close" | "drop" = "close"): string {
  if (!HAS_EXPLICIT.test(text)) return text;
  const parts: string[] = [];
  const open: Open[] = [];
  let from = 0;
  for (const match of text.matchAll(EXPLICIT)) {
    parts.push(text.slice(from, match.index));
    from = match.index + 1;
    const c = match[0];
    if (c === LRE || c === RLE) {
      open.push({ kind: "embedding", part: parts.length });
      parts.push(c);
    } else if (c === LRO || c === RLO) {
      open.push({ kind: "override", part: -1 });
    } else if (c === LRI || c === RLI || c === FSI) {
      open.push({ kind: "isolate", part: parts.length });
      parts.push(c);
    } else if (c === PDF) {
      // A PDF ends the innermost embedding or override, never one outside an open isolate (X7).
      const top = open.at(-1);
      if (top && top.kind !== "isolate") {
        open.pop();
        if (top.kind === "embedding") parts.push(c);
      }
    } else {
      // A PDI ends the innermost open isolate and whatever was opened inside it (X6a).
      const isolate = open.findLastIndex((o) => o.kind === "isolate");
      if (isolate >= 0) {
        open.length = isolate;
        parts.push(c);
      }
    }
  }
  parts.push(text.slice(from));
  // Innermost first; one opened on nothing but whitespace is dropped rather than closed.
  let scanned = parts.length;
  let contentAfter = false;
  for (const o of open.reverse()) {
    if (o.kind === "override") continue;
    for (; scanned > o.part + 1; scanned--) contentAfter ||= (parts[scanned - 1] ?? "").trim() !== "";
    if (unclosed === "close" && contentAfter) parts.push(o.kind === "isolate" ? PDI : PDF);
    else parts[o.part] = "";
  }
  return parts.join("");
}
