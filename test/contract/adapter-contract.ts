/**
 * The adapter contract: every adapter runs these checks with a few lines of setup
 * (see adapters/console/contract.test.ts). They prove the promises of src/core/adapter.ts.
 */
import { Writable } from "node:stream";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { z } from "zod";
import type { AnyAdapter, DeliveryErrorKind, FeedItem, PostStyle, Rendered, SentPost } from "../../src/core/index.js";
import { DELIVERY_ERROR_KINDS } from "../../src/core/index.js";
import { createLogger } from "../../src/log.js";
import { fileSessionStore } from "../../src/store/session-file.js";
import { TRICKY_ITEMS } from "./tricky-items.js";

export interface ErrorCase {
  name: string;
  /** Produces the error exactly as the adapter's client throws it (e.g. by replaying a recorded response). */
  error: () => unknown | Promise<unknown>;
  kind: DeliveryErrorKind;
  /** For rate-limited: the wait the platform asked for, in ms (checked within 1 s). */
  waitMs?: number;
}

export interface Loopback {
  /** A valid config pointing at the loopback server (secrets already resolved). */
  cfg: unknown;
  /** Checks what the loopback server received for this send, field by field. */
  verify(rendered: Rendered<unknown>, sent: SentPost, item: FeedItem): void | Promise<void>;
  /** A config whose credentials the loopback refuses (for the secrets check), if the platform has credentials. */
  badCredentialsCfg?: unknown;
  close(): Promise<void>;
}

export interface ContractHarness {
  adapter: AnyAdapter;
  /** A config object as written in YAML (secrets as literal strings). */
  validConfig: Record<string, unknown>;
  /** Configs that must be refused, each with the field path the error must name. */
  invalidConfigs: Array<{ config: Record<string, unknown>; path: string }>;
  errorCases: ErrorCase[];
  /** Where the link of a rendered post is (default: the preview text). */
  linksOf?: (rendered: Rendered<unknown>) => string[];
  startLoopback: () => Promise<Loopback>;
}

const style = (adapter: AnyAdapter, item: FeedItem): PostStyle => ({ template: adapter.defaultTemplate, maxHashtags: 3, link: item.link });

export function describeAdapterContract(h: ContractHarness): void {
  const { adapter } = h;
  describe(`adapter contract: ${adapter.platform}`, () => {
    it("declares itself completely", () => {
      expect(adapter.platform).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(adapter.description.length).toBeGreaterThan(10);
      const limits = adapter.defaultLimits();
      expect(limits.maxLength).toBeGreaterThan(0);
      expect(limits.unit.length).toBeGreaterThan(0);
      for (const r of adapter.rateLimits) expect(r.posts > 0 && r.windowMs > 0).toBe(true);
      const fields = Object.keys((z.toJSONSchema(adapter.config, { io: "input", unrepresentable: "any" }) as { properties?: object }).properties ?? {});
      for (const key of adapter.secrets) expect(fields, `secret ${key} is a config field`).toContain(key);
    });

    it("accepts the valid config", () => {
      const r = adapter.config.safeParse(h.validConfig);
      expect(r.success, r.success ? "" : JSON.stringify(r.error.issues)).toBe(true);
    });

    it.each(h.invalidConfigs.map((c) => [c.path, c.config] as const))("refuses a bad config, naming %s", (p, config) => {
      const r = adapter.config.safeParse(config);
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.issues.map((i) => i.path.join(".") || (i as { keys?: string[] }).keys?.join(".") || "")).toContain(p);
    });

    it("refuses unknown keys (a typo is never silently ignored)", () => {
      expect(adapter.config.safeParse({ ...h.validConfig, chatIdd: 1 }).success).toBe(false);
    });

    const cfg = adapter.config.parse(h.validConfig);
    const limits = adapter.defaultLimits(cfg);
    it.each(TRICKY_ITEMS)("renders %s within the limit as the platform counts it, link intact", (_name, item) => {
      const rendered = adapter.render(item, cfg, limits, style(adapter, item));
      expect(rendered.length).toBeLessThanOrEqual(limits.maxLength);
      expect(rendered.limits.maxLength).toBe(limits.maxLength);
      const links = h.linksOf ? h.linksOf(rendered) : [rendered.preview];
      expect(links.some((l) => l.includes(item.link ?? ""))).toBe(true);
      expect(JSON.parse(JSON.stringify(rendered.payload))).toEqual(rendered.payload); // plain JSON data
      // Pure: the same input renders the same post.
      expect(adapter.render(item, cfg, limits, style(adapter, item))).toEqual(rendered);
    });

    it("property: random titles, summaries and links never exceed the limit and keep the link", () => {
      const piece = fc.constantFrom("word", "Қазақстан", "東京", "مرحبا", "👩‍👩‍👧‍👦", "🇰🇿", "é", "\u0301", "&amp;", "&#8217;", "<b>", "<", "&", ">", "\"", "x".repeat(300), "https://example.com/x?a=1&b=2", " ", "\n", ".", "#tag", "@user");
      const text = fc.array(piece, { maxLength: 120 }).map((parts) => parts.join(""));
      const link = fc.webUrl({ withQueryParameters: true, withFragments: true });
      fc.assert(
        fc.property(text, text, link, (title, summary, url) => {
          const item: FeedItem = { ...(TRICKY_ITEMS[0]?.[1] as FeedItem), title, summary, link: url };
          let rendered: Rendered<unknown>;
          try {
            rendered = adapter.render(item, cfg, limits, style(adapter, item));
          } catch (err) {
            // Only a link longer than the platform allows may be refused, and only as a RenderError.
            expect((err as Error).name).toBe("RenderError");
            return;
          }
          expect(rendered.length).toBeLessThanOrEqual(limits.maxLength);
          const links = h.linksOf ? h.linksOf(rendered) : [rendered.preview];
          expect(links.some((l) => l.includes(url))).toBe(true);
        }),
        { numRuns: 60 },
      );
    });

    it("renders within a tighter operator limit too", () => {
      const item = TRICKY_ITEMS[2]?.[1] as FeedItem;
      const tight = { ...limits, maxLength: Math.min(limits.maxLength, 200), source: "config" as const };
      expect(adapter.render(item, cfg, tight, style(adapter, item)).length).toBeLessThanOrEqual(tight.maxLength);
    });

    it.each(h.errorCases.map((c) => [c.name, c] as const))("classifies %s", async (_n, c) => {
      const result = adapter.classify(await c.error());
      expect(DELIVERY_ERROR_KINDS).toContain(result.kind);
      expect(result.kind).toBe(c.kind);
      expect(result.message.length).toBeGreaterThan(0);
      if (c.waitMs !== undefined) expect(Math.abs((result.waitMs ?? 0) - c.waitMs)).toBeLessThanOrEqual(1000);
    });

    it("classifies anything at all without throwing", () => {
      for (const weird of [undefined, null, "string", 42, {}, new Error("x"), Object.create(null)]) {
        expect(DELIVERY_ERROR_KINDS).toContain(adapter.classify(weird).kind);
      }
    });

    describe("against its loopback server", () => {
      let lb: Loopback | undefined;
      afterAll(async () => lb?.close());
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
      const connectDeps = (secretValues: string[]) => ({
        timeoutMs: 5000,
        logger: createLogger({ level: "trace", secretValues, destination: sink }),
        baseDir: mkdtempSync(path.join(tmpdir(), "crier-contract-")),
        session: fileSessionStore(path.join(mkdtempSync(path.join(tmpdir(), "crier-session-")), "s")),
      });
      const secretsOf = (c: unknown): string[] =>
        adapter.secrets.map((k) => String((c as Record<string, unknown>)[k] ?? "")).filter((v) => v.length >= 6);

      it("sends a real post that arrives as rendered", async () => {
        lb = await h.startLoopback();
        const item = TRICKY_ITEMS[7]?.[1] as FeedItem; // HTML-looking text and <&>
        const lbCfg = adapter.config.parse(lb.cfg);
        const conn = await adapter.connect(lbCfg, connectDeps(secretsOf(lbCfg)));
        const rendered = adapter.render(item, lbCfg, conn.limits, style(adapter, item));
        const sent = await conn.send(rendered.payload, { deliveryId: 1, idempotencyKey: "crier-1", queuedAt: Date.now(), signal: AbortSignal.timeout(5000) });
        expect(sent.remoteId).toBeTruthy();
        await lb.verify(rendered, sent, item);
        await conn.close();
      });

      it("keeps secrets out of the logs, even when the platform refuses them", async () => {
        lb ??= await h.startLoopback();
        const cfgs = [lb.cfg, lb.badCredentialsCfg].filter((c) => c !== undefined).map((c) => adapter.config.parse(c));
        for (const c of cfgs) {
          const secrets = secretsOf(c);
          const deps = connectDeps(secrets);
          try {
            const conn = await adapter.connect(c, deps);
            const item = TRICKY_ITEMS[0]?.[1] as FeedItem;
            const rendered = adapter.render(item, c, conn.limits, style(adapter, item));
            await conn.send(rendered.payload, { deliveryId: 2, idempotencyKey: "crier-2", queuedAt: Date.now(), signal: AbortSignal.timeout(5000) }).catch((err: unknown) => {
              // What the core logs about a failure: the classified error and the raw one.
              deps.logger.warn({ err, classified: adapter.classify(err) }, "send failed");
            });
            await conn.close();
          } catch (err) {
            deps.logger.warn({ err }, "connect failed");
          }
          deps.logger.flush();
          const text = lines.join("");
          for (const s of secrets) {
            expect(text).not.toContain(s);
            expect(text).not.toContain(encodeURIComponent(s));
          }
        }
      });
    });
  });
}
