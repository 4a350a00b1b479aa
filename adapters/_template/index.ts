/**
 * The Example destination: posts each article as one plain-text post to a channel through the
 * (imaginary) Example API, `POST /v1/posts` with a bearer token. See README.md.
 * COPYING: rename `exampleAdapter` to `<platform>Adapter`, then add one line to adapters/index.ts.
 */
import type { Adapter } from "../../src/core/index.js";
import { classifyExample } from "./classify.js";
import { EXAMPLE_SECRETS, exampleConfig, type ExampleConfig } from "./config.js";
import { EXAMPLE_DEFAULT_TEMPLATE, exampleLimits, renderExample, type ExamplePayload } from "./render.js";
import { connectExample } from "./send.js";

export type { ExampleConfig } from "./config.js";
export type { ExamplePayload } from "./render.js";

export const exampleAdapter: Adapter<ExampleConfig, ExamplePayload> = {
  // Stable: stored in every delivery record and written as `platform:` in configs. Never rename later.
  platform: "example",
  description: "Posts to a channel of the Example API (POST /v1/posts, bearer token). A template.",
  config: exampleConfig,
  secrets: EXAMPLE_SECRETS,
  // Example takes no idempotency key (a send that may have reached it is never retried blindly),
  // carries no images here, and sent posts are not deleted through the API. COPYING: for a platform
  // that de-duplicates by key for an hour, `idempotentSend: true, idempotencyTtlMs: 3_600_000`.
  capabilities: { idempotentSend: false, images: false, delete: false },
  // https://docs.example.com/api/rate-limits: "1 post per second and 300 posts per hour per token".
  // The core never sends faster; a 429 still pauses the destination for Retry-After.
  rateLimits: [
    { posts: 1, windowMs: 1_000 },
    { posts: 300, windowMs: 3_600_000 },
  ],
  defaultTemplate: EXAMPLE_DEFAULT_TEMPLATE,
  defaultLimits: exampleLimits,
  render: renderExample,
  connect: connectExample,
  classify: classifyExample,
};
