/**
 * Preloaded into the BUILT CLI by e2e tests (`node --import <this> dist/src/cli.js …`): adds
 * "pulltest", a platform that pulls the post's image from a URL, to the registry the CLI was built
 * with (the same module instance the CLI imports next). Nothing else of the CLI changes. Like
 * Instagram's container step, its server fetches `image_url` while the post is being made.
 *
 * Config: `apiBase` (the test's loopback server), `requireImage` (an article without an image
 * cannot be posted: the render refuses, so the core skips it with the reason).
 */
import { createRequire } from "node:module";

// The bundled CLI's own registry and kit (build.mjs), not tsc's copies: the bundle the CLI then
// requires is this very instance (require's cache), and zod is the one it requires.
const requireFromDist = createRequire(new URL("../../dist/src/crier.cjs", import.meta.url));
const bundle = requireFromDist("./crier.cjs");
const { z } = requireFromDist("zod");
const { adapterLoaders } = bundle;
const { defineAdapter, RenderError } = await bundle.adapterKit();

/** Instagram's feed-image rules; the e2e test fits its images to the same (keep them equal). */
export const PULL_LIMITS = {
  maxBytes: 8_000_000,
  maxWidth: 1440,
  minWidth: 320,
  maxHeight: 1800,
  formats: ["jpeg"],
  aspectRatio: { min: 0.8, max: 1.91 },
  fit: "crop",
  delivery: "pull",
};

const pulltest = defineAdapter({
  platform: "pulltest",
  displayName: "Pulltest",
  description: "test platform: its server pulls the post's image from image_url",
  config: z.object({ apiBase: z.url({ protocol: /^https?$/ }), requireImage: z.boolean().default(false) }).strict(),
  images: PULL_LIMITS,
  rateLimits: [],
  defaultTemplate: "{title} {link}",
  defaultLimits: () => ({ maxLength: 2000, unit: "characters", source: "default" }),
  render(item, cfg, limits, style) {
    if (cfg.requireImage && !style.image) throw new RenderError("pulltest posts need an image and the article has none to give");
    const text = `${item.title} ${item.link ?? ""}`.trim();
    return { payload: { text }, preview: text, length: text.length, limits };
  },
  classify: () => undefined,
  connect: async (cfg) => cfg,
  async send(cfg, payload, ctx) {
    const res = await fetch(`${cfg.apiBase}/posts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: payload.text, image_url: ctx.image?.publicUrl ?? null }),
      signal: ctx.signal,
    });
    if (!res.ok) throw new Error(`pulltest answered HTTP ${res.status}: ${await res.text()}`);
    const { id } = await res.json();
    return { remoteId: String(id), remoteUrl: null };
  },
  check: async () => "pulltest",
});

if (!adapterLoaders.has("pulltest")) adapterLoaders.set("pulltest", async () => pulltest);
