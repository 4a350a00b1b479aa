import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/** Bluesky's own PDS entryway: it routes each account to the server that hosts it. */
export const DEFAULT_SERVICE = "https://bsky.social";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts), so a field
// that may hold a reference has to accept one; the second pass sees the resolved value.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

// https://atproto.com/specs/handle#handle-identifier-syntax: ASCII labels of 1-63 letters, digits
// and inner hyphens, at least two, at most 253 characters; the last label does not start with a digit.
const HANDLE = /^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
// https://atproto.com/specs/did: the account's DID works as a login identifier too.
const DID = /^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$/;
// Well-formed BCP 47 syntax (https://www.rfc-editor.org/rfc/rfc5646.html#section-2.1): the regex of
// @atproto/syntax's parseLanguageString (what @atproto/api's parseLanguage is), copied so that
// validating a config loads no SDK.
const BCP47 =
  /^((?<grandfathered>(en-GB-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-BE-FR|sgn-BE-NL|sgn-CH-DE)|(art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang))|((?<language>([A-Za-z]{2,3}(-(?<extlang>[A-Za-z]{3}(-[A-Za-z]{3}){0,2}))?)|[A-Za-z]{4}|[A-Za-z]{5,8})(-(?<script>[A-Za-z]{4}))?(-(?<region>[A-Za-z]{2}|[0-9]{3}))?(-(?<variant>[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-(?<extension>[0-9A-WY-Za-wy-z](-[A-Za-z0-9]{2,8})+))*(-(?<privateUseA>x(-[A-Za-z0-9]{1,8})+))?)|(?<privateUseB>x(-[A-Za-z0-9]{1,8})+))$/;

function isService(value: string): boolean {
  if (ENV_REF.test(value)) return true;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
}

export const blueskyConfig = z
  .object({
    service: z
      .string()
      .default(DEFAULT_SERVICE)
      .refine(isService, "must be an http(s) URL without query, fragment or credentials, e.g. https://bsky.social")
      .register(z.globalRegistry, { description: "The account's PDS, or Bluesky's entryway https://bsky.social for accounts hosted by Bluesky. Self-hosters: the PDS URL." }),
    handle: z
      .string()
      .transform((v) => v.trim().replace(/^@/, ""))
      .refine(
        (v) => ENV_REF.test(v) || (v.length <= 253 && HANDLE.test(v)) || DID.test(v),
        "must be a Bluesky handle like news.bsky.social (or the account's DID)",
      )
      .register(z.globalRegistry, { description: "The posting account: its handle (news.bsky.social, or a custom domain) or its DID. Post URLs use the account's current handle." }),
    appPassword: z
      .string()
      .min(1)
      .register(z.globalRegistry, {
        ...SECRET, description: "An app password of the account (Settings → Privacy and security → App passwords), e.g. ${BLUESKY_APP_PASSWORD}. Secret: masked in logs and printouts.",
      }),
    languages: z
      .array(
        z.string().refine((v) => ENV_REF.test(v) || BCP47.test(v), "must be a BCP-47 language tag such as en, pt-BR or kk"),
      )
      .max(3) // app.bsky.feed.post `langs`: maxLength 3
      .optional()
      .register(z.globalRegistry, { description: "Languages of the posts (BCP-47, at most 3), set as the post's `langs` so that Bluesky's language filters work." }),
  })
  .strict();

export type BlueskyConfig = z.infer<typeof blueskyConfig>;
