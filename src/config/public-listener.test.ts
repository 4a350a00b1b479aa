// The public listener in the config (`publicListener`, or the deprecated websub.publicUrl/listen),
// what `validate` says of destinations whose platform pulls images by URL, adapters' own config
// warnings, and platforms the registry refuses with a reason.
import { describe, expect, it } from "vitest";
import { consoleAdapter } from "../../adapters/console/index.js";
import { tiktokAdapter } from "../../adapters/tiktok/index.js";
import type { AnyAdapter, ImageLimits } from "../core/adapter.js";
import { ConfigError, configNotes, parseConfig, type AdapterRegistry } from "./load.js";

const PULL: ImageLimits = { maxBytes: 8_000_000, maxWidth: 1440, maxHeight: 1800, formats: ["jpeg"], delivery: "pull" };
/** A platform that pulls images by URL, with its own config warning (as TikTok's verified domain). */
const pullAdapter: AnyAdapter = {
  ...consoleAdapter,
  platform: "pulltest",
  capabilities: { ...consoleAdapter.capabilities, images: true },
  imageLimits: PULL,
  validate: (_cfg, { publicUrl, mediaUrl }) => (publicUrl && !publicUrl.startsWith("https://media.example.org") ? [`would not pull from ${mediaUrl}`] : []),
};
const adapters: AdapterRegistry = new Map<string, AnyAdapter>([
  ["console", consoleAdapter],
  ["pulltest", pullAdapter],
  ["tiktok", tiktokAdapter],
]);
const refusedPlatforms = new Map([["youtube", "YouTube has no API for text or link posts"]]);
const FILE = "/srv/crier/crier.yaml";
const yaml = (...lines: string[]): string => `${lines.join("\n")}\n`;
const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfig(text, FILE, { env, adapters, refusedPlatforms });
const SECRET = "0123456789abcdef0123";

function problemsOf(text: string): string[] {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("publicListener", () => {
  it("is read as written, and is WebSub's callback base", () => {
    const config = parse(yaml("publicListener: { url: https://crier.example.org, listen: { host: 0.0.0.0, port: 9090 } }", `websub: { secret: ${SECRET} }`));
    expect(config.publicListener).toEqual({ url: "https://crier.example.org", listen: { host: "0.0.0.0", port: 9090 }, mediaGraceMs: 3_600_000 });
    expect(config.websub?.publicUrl).toBe("https://crier.example.org");
    expect(config.warnings).toEqual([]);
  });

  it("takes the deprecated websub.publicUrl and websub.listen, with a warning saying what to write", () => {
    const config = parse(yaml("websub:", "  publicUrl: https://old.example.org", "  listen: { host: 0.0.0.0, port: 8181 }", `  secret: ${SECRET}`));
    expect(config.publicListener).toEqual({ url: "https://old.example.org", listen: { host: "0.0.0.0", port: 8181 }, mediaGraceMs: 3_600_000 });
    expect(config.websub?.publicUrl).toBe("https://old.example.org");
    expect(config.warnings).toEqual([
      "line 2: websub.publicUrl: websub.publicUrl and websub.listen are deprecated; write `publicListener: { url: https://old.example.org, listen: { host: 0.0.0.0, port: 8181 } }` instead (it also serves images to platforms that pull them)",
    ]);
  });

  it("ignores the deprecated keys when publicListener is given, and says so", () => {
    const config = parse(yaml("publicListener: { url: https://new.example.org }", "websub:", "  publicUrl: https://old.example.org", `  secret: ${SECRET}`));
    expect(config.publicListener?.url).toBe("https://new.example.org");
    expect(config.publicListener?.listen).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(config.warnings).toEqual(["line 3: websub.publicUrl: ignored, publicListener is given; remove it"]);
  });

  it("WebSub without any public URL is a problem that says what to add", () => {
    expect(problemsOf(yaml(`websub: { secret: ${SECRET} }`))).toEqual([
      "line 1: websub: WebSub needs the public listener hubs call back: add publicListener: { url: https://…, listen: { host, port } }",
    ]);
  });
});

describe("destinations whose platform pulls images by URL", () => {
  const DEST = ["destinations:", "  - { id: gram, platform: pulltest }"];

  it("without a public listener: a warning naming the destination and what to add", () => {
    const config = parse(yaml(...DEST));
    expect(config.warnings).toEqual([
      "line 2: destinations[0] (gram): pulltest pulls images by URL, and images that need fitting to its rules are served by Crier's public listener, which is not configured: add publicListener: { url: https://…, listen: { host, port } } and run `crier run`. Until then only article images that already meet pulltest's rules can be posted; others go without the image, or are skipped where pulltest needs one",
    ]);
    expect(configNotes(config)).toEqual([]);
  });

  it("with a public listener on plain http: the platform could not pull from it", () => {
    const config = parse(yaml("publicListener: { url: http://crier.example.org }", ...DEST));
    expect(config.warnings).toContain("line 3: destinations[0] (gram): pulltest cannot pull the images Crier serves at http://crier.example.org/media/: http://crier.example.org is plain http: platforms pull images over https (publicListener.url)");
  });

  it("with a public listener: the adapter's own warning, and a note that only `crier run` serves", () => {
    const config = parse(yaml("publicListener: { url: https://crier.example.org/ }", ...DEST));
    expect(config.warnings).toEqual(["line 3: destinations[0] (gram): would not pull from https://crier.example.org/media/"]);
    expect(configNotes(config)).toEqual([
      "destination gram (pulltest): images that need fitting are served by `crier run`'s public listener; with `poll --once` only article images that already meet pulltest's rules can be posted",
    ]);
    expect(parse(yaml("publicListener: { url: https://media.example.org }", ...DEST)).warnings).toEqual([]);
  });

  it("says nothing of platforms that upload their images", () => {
    expect(parse(yaml("destinations:", "  - { id: out, platform: console }")).warnings).toEqual([]);
  });
});

describe("an adapter's own config warnings (Adapter.validate)", () => {
  const TIKTOK = ["destinations:", '  - { id: tok, platform: tiktok, clientKey: "${KEY}", clientSecret: "${SECRET}", refreshToken: "${REFRESH}", verifiedDomain: media.example.org }'];
  const env = { KEY: "awkey0123456789", SECRET: "a-client-secret-0123456789", REFRESH: "rft.0123456789abcdef" };

  it("TikTok: the public listener is not on the domain verified for the app", () => {
    const config = parse(yaml("publicListener: { url: https://crier.example.org }", ...TIKTOK), env);
    expect(config.warnings).toEqual([
      "line 3: destinations[0] (tok): TikTok would not pull the pictures Crier fits and serves at https://crier.example.org/media/: crier.example.org is not media.example.org nor one of its subdomains, the domain verified in the TikTok developer portal (verifiedDomain). Verify that domain (or a URL prefix covering it) for the app in the TikTok developer portal and write it in verifiedDomain; until then only article pictures already under verifiedDomain, in TikTok's formats and sizes, can be posted (else fallbackImageUrl, or the article is skipped).",
    ]);
    expect(parse(yaml("publicListener: { url: https://crier.media.example.org }", ...TIKTOK), env).warnings).toEqual([]);
  });
});

describe("platforms the registry refuses", () => {
  it("refuses the destination with the registry's explanation, not as an unknown platform", () => {
    expect(problemsOf(yaml("destinations:", "  - { id: yt, platform: youtube }"))).toEqual([
      "line 2: destinations[0].platform: Crier cannot post to youtube: YouTube has no API for text or link posts",
    ]);
  });
});
