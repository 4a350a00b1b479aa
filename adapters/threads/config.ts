import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/**
 * "The domain for API calls is now graph.threads.net. All API calls to graph.threads.net should use
 * v1.0." (Threads changelog, 7 Jun 2024, https://developers.facebook.com/docs/threads/changelog);
 * every example of https://developers.facebook.com/documentation/threads/posts (updated Apr 14, 2026)
 * is `https://graph.threads.net/v1.0/...`.
 */
export const THREADS_API_BASE = "https://graph.threads.net";
export const THREADS_API_VERSION = "v1.0";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts).
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

export const POST_AS = ["auto", "text", "image"] as const;

export const threadsConfig = z
  .object({
    accessToken: z
      .string()
      .refine((v) => ENV_REF.test(v) || /^[A-Za-z0-9_.|-]{20,}$/.test(v), "must be a Threads user access token (or a ${ENV} reference)")
      .register(z.globalRegistry, {
        ...SECRET, description: "Long-lived Threads user access token (60 days) with threads_basic, threads_content_publish and threads_delete, e.g. ${THREADS_TOKEN}. Crier refreshes it before it lapses and keeps the refreshed one in its credential store.",
      }),
    userId: z
      .string()
      .regex(/^(me|[0-9]{1,24})$/, 'must be the numeric Threads user id, or "me"')
      .default("me")
      .register(z.globalRegistry, { description: 'Threads user id of the profile that posts; "me" is the token\'s own profile.' }),
    postAs: z
      .enum(POST_AS)
      .default("auto")
      .register(z.globalRegistry, { description: "auto: an image post when the article has an image, else a text post with the link as its preview card; text: always a text post; image: image posts only (articles without an image are skipped)." }),
    apiVersion: z.string().regex(/^v[0-9]+\.[0-9]+$/, "must look like v1.0").default(THREADS_API_VERSION).register(z.globalRegistry, { description: "Threads API version in every path." }),
    apiBase: z.url({ protocol: /^https?$/ }).default(THREADS_API_BASE).register(z.globalRegistry, { description: "Threads API host (graph.threads.net; graph.threads.com also serves it); change only for a proxy or a test double." }),
  })
  .strict();

export type ThreadsConfig = z.infer<typeof threadsConfig>;
