/**
 * The destination fields of the Example platform. COPYING: rename `example*` to your platform,
 * keep the schema strict, and describe every field (it becomes the README's table) with
 * `.register(z.globalRegistry, { description: "…" })`: zod's `.describe()` builds a copy of the schema
 * to carry the text. Mark each secret with `{ ...SECRET, description }` there: that mark is the whole secrets list (masked in logs,
 * printouts and the generated docs, and checked by the contract kit). Fields every destination has
 * (template, maxLength, timeoutMs, budget, ...) are the core's: do not repeat them here.
 */
import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/** Where the platform lives. COPYING: the real API origin. */
export const EXAMPLE_API_BASE = "https://api.example.com";

// The core validates the structure before it resolves `${NAME}` (src/config/load.ts), then again
// after: a field that may hold a reference must accept one. Whole value only, as in telegram/config.ts.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

// A bearer token is a b64token (RFC 6750 §2.1). COPYING: the platform's own token format, cited.
const TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// COPYING: the platform's rule for its target (channel id, chat, webhook URL, ...), cited with the date read.
// Example: "channel slugs are 1-32 lowercase letters, digits and dashes" (https://docs.example.com/api/channels, read 2026-05-13).
const CHANNEL = /^[a-z0-9-]{1,32}$/;

export const exampleConfig = z
  .object({
    token: z
      .string()
      .refine((v) => TOKEN.test(v) || ENV_REF.test(v), "must be an API token (or a ${ENV} reference such as ${EXAMPLE_TOKEN})")
      .register(z.globalRegistry, { ...SECRET, description: "API token of the posting account, e.g. ${EXAMPLE_TOKEN}. Secret: masked in logs and printouts." }),
    channel: z
      .string()
      .refine((v) => CHANNEL.test(v) || ENV_REF.test(v), "must be a channel slug: 1-32 of a-z, 0-9 and -")
      .register(z.globalRegistry, { description: "Slug of the channel to post to, e.g. news." }),
    apiBase: z
      .url({ protocol: /^https?$/ })
      .default(EXAMPLE_API_BASE)
      .register(z.globalRegistry, { description: "API server; change only for a proxy or a test double (http:// allowed)." }),
  })
  .strict();

export type ExampleConfig = z.infer<typeof exampleConfig>;
