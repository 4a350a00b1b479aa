// defineAdapter's derivations (pure), the Connection it builds, and the classify chain it wraps.
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ImageLimits } from "../adapter.js";
import { deliveryError } from "../delivery-error.js";
import { capabilitiesOf, defineAdapter, type AdapterDefinition } from "./define-adapter.js";
import { HttpError, ResponseBodyError } from "./http-error.js";
import { statusDeliveryError, type StatusWording } from "./http-classify.js";
import { SECRET, isSecretSchema, secretFields } from "./secret-fields.js";

const ENV_REF = /^\$\{[A-Z_]+\}$/;

describe("secretFields: from .meta({ secret: true }), under any wrapper", () => {
  const slackLike = z
    .object({
      webhookUrl: z.string().refine((v) => v.startsWith("https://") || ENV_REF.test(v)).optional().meta(SECRET).describe("the webhook"),
      botToken: z.string().meta({ secret: true }).refine((v) => v.startsWith("xoxb-")).describe("a token").optional(),
      channel: z.string().optional().describe("not secret"),
    })
    .strict()
    .superRefine(() => undefined);
  it.each<[string, z.ZodType, string[]]>([
    ["meta then describe, checks and optional", slackLike, ["webhookUrl", "botToken"]],
    ["describe then meta", z.object({ token: z.string().describe("t").meta(SECRET), id: z.string() }), ["token"]],
    ["inside a default and a transform", z.object({ apiKey: z.string().meta(SECRET).transform((v) => v.trim()).default("x"), n: z.number() }), ["apiKey"]],
    ["one member of a union", z.object({ key: z.union([z.number(), z.string().meta(SECRET)]) }), ["key"]],
    ["the object itself transformed", z.object({ password: z.string().meta(SECRET) }).transform((c) => c), ["password"]],
    ["nothing marked", z.object({ a: z.string().describe("secret-looking words do not count: a token") }), []],
    ["no object at all", z.string().meta(SECRET), []],
  ])("%s", (_name, schema, fields) => expect(secretFields(schema)).toEqual(fields));

  it("keeps .describe() text for the generated docs next to the secret mark", () => {
    const field = z.string().meta(SECRET).describe("API token");
    expect([field.description, isSecretSchema(field)]).toEqual(["API token", true]);
  });
});

const JPEG: ImageLimits = { maxBytes: 1_000_000, maxWidth: 2000, maxHeight: 2000, formats: ["jpeg"] };

describe("capabilitiesOf: capabilities follow from what is defined", () => {
  const del = async () => undefined;
  it.each<[string, Parameters<typeof capabilitiesOf>[0], object]>([
    ["nothing", {}, { idempotentSend: false, images: false, delete: false }],
    ["a delete function", { delete: del }, { idempotentSend: false, images: false, delete: true }],
    ["image limits (attached natively)", { images: JPEG }, { idempotentSend: false, images: true, delete: false }],
    ["images by URL", { images: "by-url" }, { idempotentSend: false, images: true, delete: false }],
    ["keys kept an hour", { idempotency: { ttlMs: 3_600_000 } }, { idempotentSend: true, idempotencyTtlMs: 3_600_000, images: false, delete: false }],
    ["keys kept forever", { idempotency: "forever" }, { idempotentSend: true, images: false, delete: false }],
  ])("%s", (_name, def, caps) => expect(capabilitiesOf(def)).toEqual(caps));
});

interface Client {
  mode: "bot" | "webhook";
  closed: boolean;
}

function definition(over: Partial<AdapterDefinition<{ token: string }, { text: string }, Client>> = {}): AdapterDefinition<{ token: string }, { text: string }, Client> {
  return {
    platform: "demo",
    displayName: "Demo",
    description: "A demo platform for defineAdapter's tests.",
    config: z.object({ token: z.string().meta(SECRET), mode: z.enum(["bot", "webhook"]).default("bot") }).strict() as unknown as z.ZodType<{ token: string }>,
    rateLimits: [{ posts: 1, windowMs: 1000 }],
    defaultTemplate: "{title}",
    defaultLimits: () => ({ maxLength: 100, unit: "characters", source: "default" }),
    render: (item, _cfg, limits) => ({ payload: { text: item.title }, preview: item.title, length: item.title.length, limits }),
    classify: (err) => (err instanceof HttpError && err.status === 409 ? deliveryError("duplicate", "Demo already has it") : undefined),
    connect: async (cfg) => ({ mode: (cfg as { mode?: Client["mode"] }).mode ?? "bot", closed: false }),
    send: async (_client, payload) => ({ remoteId: payload.text, remoteUrl: null }),
    check: async (client) => `@demo (${client.mode})`,
    ...over,
  };
}

const deps = { timeoutMs: 1000, logger: undefined as never, baseDir: ".", session: undefined as never };

describe("defineAdapter: the Adapter the core reads", () => {
  it("declares secrets, capabilities and image limits once, from the definition", () => {
    const a = defineAdapter(definition({ images: JPEG, delete: async () => undefined, idempotency: { ttlMs: 60_000 } }));
    expect([a.platform, a.secrets, a.capabilities, a.imageLimits]).toEqual(["demo", ["token"], { idempotentSend: true, idempotencyTtlMs: 60_000, images: true, delete: true }, JPEG]);
    expect(defineAdapter(definition({ images: "by-url" })).imageLimits).toBeUndefined();
    expect(a.defaultLimits()).toEqual({ maxLength: 100, unit: "characters", source: "default" });
  });

  it("reads the secret marks from the config schema when first asked, not when defined (a command's start-up walks no schema)", () => {
    const lookups = vi.spyOn(z.globalRegistry, "get");
    try {
      const a = defineAdapter(definition());
      expect(lookups).not.toHaveBeenCalled();
      expect(a.secrets).toEqual(["token"]);
      const walked = lookups.mock.calls.length;
      expect(walked).toBeGreaterThan(0);
      expect(a.secrets).toEqual(["token"]);
      expect(lookups.mock.calls.length).toBe(walked); // once
    } finally {
      lookups.mockRestore();
    }
  });

  it("connects to a Connection whose methods are the definition's functions of the client", async () => {
    const deleted: string[] = [];
    const a = defineAdapter(definition({
      delete: async (_c, id) => void deleted.push(id),
      canDelete: (c) => c.mode === "bot",
      limits: () => ({ maxLength: 42, unit: "characters", source: "discovered" }),
      close: async (c) => {
        c.closed = true;
        throw new Error("already closed");
      },
    }));
    const bot = await a.connect({ token: "t", mode: "bot" } as never, deps);
    expect(bot.limits.maxLength).toBe(42);
    expect(await bot.send({ text: "hi" }, { deliveryId: 1, idempotencyKey: "k", queuedAt: 0, signal: AbortSignal.timeout(1000) })).toEqual({ remoteId: "hi", remoteUrl: null });
    expect(await bot.check(AbortSignal.timeout(1000))).toBe("@demo (bot)");
    await bot.delete?.("7", AbortSignal.timeout(1000));
    expect(deleted).toEqual(["7"]);
    await expect(bot.close()).resolves.toBeUndefined(); // never throws
    const webhook = await a.connect({ token: "t", mode: "webhook" } as never, deps);
    expect(webhook.delete).toBeUndefined(); // the core then says to remove the post by hand
  });

  it("classifies the platform's own errors first, then network failures, then an unknown outcome; never throws", () => {
    const a = defineAdapter(definition({ network: { retryNote: "no idempotency key", redact: (s) => s.replace(/tok-\w+/g, "[redacted]") } }));
    const http409 = new HttpError({ method: "POST", route: "/posts" }, 409, {}, {}, {});
    expect(a.classify(http409).kind).toBe("duplicate");
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(a.classify(refused)).toMatchObject({ kind: "transient", message: "cannot reach Demo (ECONNREFUSED); nothing was posted" });
    expect(a.classify(new Error("bug near tok-abc123"))).toMatchObject({ kind: "unknown-outcome", detail: "bug near [redacted]" });
    const unreadable = new ResponseBodyError({ method: "POST", route: "/posts" }, 201, "not JSON");
    expect(a.classify(unreadable)).toMatchObject({ kind: "unknown-outcome", message: "Demo accepted the request but its answer was unreadable; the post probably exists" });
    const throwing = defineAdapter(definition({ classify: () => { throw new Error("classify bug"); } }));
    expect(throwing.classify(refused).kind).toBe("unknown-outcome");
    for (const weird of [undefined, null, "x", 42, Object.create(null)]) expect(a.classify(weird).kind).toBe("unknown-outcome");
  });

  it.each<[string, Partial<AdapterDefinition<{ token: string }, { text: string }, Client>>, RegExp]>([
    ["a platform id with capitals", { platform: "Demo" }, /platform "Demo" must be lowercase/],
    ["canDelete without delete", { canDelete: () => true }, /canDelete is given but delete is not/],
    ["a zero idempotency window", { idempotency: { ttlMs: 0 } }, /ttlMs must be a positive/],
    ["an empty rate limit", { rateLimits: [{ posts: 0, windowMs: 1 }] }, /must have posts and windowMs above 0/],
  ])("refuses %s at definition time", (_name, over, message) => {
    expect(() => defineAdapter(definition(over))).toThrow(message);
  });
});

describe("statusDeliveryError: the usual meaning of a status", () => {
  const wording: StatusWording = { platform: "Demo", fixAuth: "check token", fixTarget: "check channel", rateLimit: { scope: "account", defaultWaitMs: 60_000 }, retryNote: "no idempotency key" };
  const err = (status: number, body: unknown = { error: "nope" }, rateLimit = {}) => new HttpError({ method: "POST", route: "/posts" }, status, body, {}, rateLimit);
  it.each<[number, string, Partial<StatusWording>]>([
    [401, "auth", {}], [403, "auth", {}], [403, "destination-broken", { forbidden: "destination-broken" }], [404, "destination-broken", {}],
    [410, "destination-broken", {}], [400, "rejected", {}], [422, "rejected", {}], [500, "unknown-outcome", {}], [503, "unknown-outcome", {}], [302, "destination-broken", {}],
  ])("%i → %s", (status, kind, over) => expect(statusDeliveryError(err(status), { ...wording, ...over }).kind).toBe(kind));

  it("429 waits what the headers said, or the platform's window; the detail carries the platform's words", () => {
    expect(statusDeliveryError(err(429, { error: "slow down" }, { waitMs: 42_000 }), wording)).toMatchObject({ kind: "rate-limited", waitMs: 42_000, scope: "account", detail: "429 slow down" });
    expect(statusDeliveryError(err(429, "<html>busy</html>"), wording)).toMatchObject({ waitMs: 60_000, detail: "429 <html>busy</html>" });
    expect(statusDeliveryError(err(500), wording).message).toBe("Demo failed with 500; the post may or may not exist (no idempotency key)");
  });
});
