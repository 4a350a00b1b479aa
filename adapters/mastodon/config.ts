import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts), so a field
// that may hold a reference has to accept one; the second pass sees the resolved value.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** https://docs.joinmastodon.org/methods/statuses/#create `visibility`. */
export const VISIBILITIES = ["public", "unlisted", "private", "direct"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * The API lives at the server's origin (`/api/v1/...`, https://docs.joinmastodon.org/client/intro/)
 * and masto resolves absolute paths against it, so a path in `instance` would be dropped silently.
 */
function isInstanceUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

export const mastodonConfig = z
  .object({
    instance: z
      .string()
      .refine(isInstanceUrl, "must be the server's address, like https://mastodon.social (no path, query or credentials)")
      .transform((v) => new URL(v).origin)
      .register(z.globalRegistry, { description: "Address of the Mastodon server the account lives on, e.g. https://mastodon.social; its API base. http:// only for tests." }),
    accessToken: z
      .string()
      .refine((v) => ENV_REF.test(v) || /^\S+$/.test(v), "must be the access token from Preferences → Development (no spaces), or a ${ENV} reference")
      .register(z.globalRegistry, { ...SECRET, description: "Access token of an application with the write:statuses, write:media and read:accounts scopes, e.g. ${MASTODON_TOKEN}. Without write:media posts go out without images. Secret: masked in logs and printouts." }),
    visibility: z
      .enum(VISIBILITIES)
      .default("public")
      .register(z.globalRegistry, { description: "Who sees the posts: public, unlisted (not on public timelines), private (followers only) or direct (mentioned people only)." }),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(?:-[A-Za-z]{2,4})?$/, "must be an ISO 639-1 language code such as en, de or zh-TW")
      .optional()
      .register(z.globalRegistry, { description: "ISO 639-1 code of the posts' language (e.g. en). Unset: Mastodon uses the account's default posting language." }),
    spoilerText: z
      .string()
      .trim()
      .min(1)
      .optional()
      .register(z.globalRegistry, { description: "Content warning shown instead of the post until a reader opens it. Counts toward the character limit." }),
  })
  .strict();

export type MastodonConfig = z.infer<typeof mastodonConfig>;
