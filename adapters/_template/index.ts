/**
 * The Example destination: posts each article as one plain-text post to a channel through the
 * (imaginary) Example API, `POST /v1/posts` with a bearer token. See README.md.
 * COPYING: rename `exampleAdapter` to `<platform>Adapter`, then add one line to adapters/registry.ts.
 */
import { defineAdapter } from "../../src/core/index.js";
import { EXAMPLE_RETRY_NOTE, classifyExample } from "./classify.js";
import { exampleConfig, type ExampleConfig } from "./config.js";
import { EXAMPLE_DEFAULT_TEMPLATE, exampleLimits, renderExample, type ExamplePayload } from "./render.js";
import { checkExample, sendExample, type ExampleClient } from "./send.js";

export type { ExampleConfig } from "./config.js";
export type { ExamplePayload } from "./render.js";

export const exampleAdapter = defineAdapter<ExampleConfig, ExamplePayload, ExampleClient>({
  // Stable: stored in every delivery record and written as `platform:` in configs. Never rename later.
  platform: "example",
  displayName: "Example",
  description: "Posts to a channel of the Example API (POST /v1/posts, bearer token). A template.",
  config: exampleConfig,
  // No `idempotency`: Example takes no key, so a send that may have reached it is never retried
  // blindly. COPYING: a platform that de-duplicates by key for an hour: `idempotency: { ttlMs: 3_600_000 }`.
  // No `images`: posts carry none. COPYING: `images: "by-url"`, or ImageLimits for bytes attached natively.
  // https://docs.example.com/api/rate-limits (read 2026-05-13): "1 post per second and 300 posts per
  // hour per token". The core never sends faster; a 429 still pauses the destination for Retry-After.
  rateLimits: [
    { posts: 1, windowMs: 1_000 },
    { posts: 300, windowMs: 3_600_000 },
  ],
  defaultTemplate: EXAMPLE_DEFAULT_TEMPLATE,
  defaultLimits: exampleLimits,
  render: renderExample,
  classify: classifyExample,
  network: { retryNote: EXAMPLE_RETRY_NOTE },
  connect: async (cfg) => (await import("./open.js")).openExample(cfg),
  send: sendExample,
  check: checkExample,
  // COPYING: `delete: deleteExample` (with `DELETE /v1/posts/{id}`) is what declares `crier unpost` support.
  close: ({ http }) => http.close(),
});
