// The public listener's media route over real HTTP (fastify on 127.0.0.1), serving from a real
// media shelf in a temporary data folder; the clock is the test's.
import { mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import pino from "pino";
import sharp from "sharp";
import type { FastifyInstance } from "fastify";
import { createHttpServer } from "./server.js";
import { registerMediaRoute } from "./media-route.js";
import { MediaShelf } from "../delivery/media-shelf.js";
import type { DeliveryState } from "../store/deliveries.js";

const GRACE = 60_000;
let dir: string;
let shelf: MediaShelf;
let server: FastifyInstance;
let base: string;
let clock: number;
let jpeg: Buffer;

beforeEach(async () => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), "crier-media-")), "media");
  shelf = new MediaShelf(dir, GRACE);
  clock = 1_000_000;
  jpeg ??= await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 10, g: 200, b: 30 } } }).jpeg().toBuffer();
  server = await createHttpServer({ bodyLimit: 1024 });
  registerMediaRoute(server, shelf, { now: () => clock, logger: pino({ level: "silent" }) });
  base = `${await server.listen({ host: "127.0.0.1", port: 0 })}/media/`;
});
afterEach(async () => {
  await server.close();
});

const get = (url: string) => fetch(url).then(async (r) => ({ status: r.status, type: r.headers.get("content-type"), bytes: Buffer.from(await r.arrayBuffer()) }));

describe("GET /media/<name>", () => {
  it("serves exactly the stored bytes with their content type, under an unguessable name", async () => {
    const name = await shelf.put({ id: 7, queuedAt: 5 }, { bytes: jpeg, mime: "image/jpeg" }, clock);
    expect(name).toMatch(/^[A-Za-z0-9_-]{43}\.jpg$/);
    const r = await get(base + name);
    expect(r.status).toBe(200);
    expect(r.type).toBe("image/jpeg");
    expect(r.bytes.equals(jpeg)).toBe(true);

    const png = await sharp(jpeg).png().toBuffer();
    const pngName = await shelf.put({ id: 8, queuedAt: 5 }, { bytes: png, mime: "image/png" }, clock);
    expect(pngName.endsWith(".png")).toBe(true);
    expect(await get(base + pngName)).toMatchObject({ status: 200, type: "image/png" });
  });

  it("names differ by delivery and by data folder (a key of its own), and a retry of the same delivery gets the same name, after a restart too", async () => {
    const first = await shelf.put({ id: 1, queuedAt: 100 }, { bytes: jpeg, mime: "image/jpeg" }, clock);
    const again = await new MediaShelf(dir, GRACE).put({ id: 1, queuedAt: 100 }, { bytes: jpeg, mime: "image/jpeg" }, clock);
    expect(again).toBe(first);
    expect(await shelf.put({ id: 2, queuedAt: 100 }, { bytes: jpeg, mime: "image/jpeg" }, clock)).not.toBe(first);
    const elsewhere = new MediaShelf(path.join(mkdtempSync(path.join(tmpdir(), "crier-media-")), "media"), GRACE);
    expect(await elsewhere.put({ id: 1, queuedAt: 100 }, { bytes: jpeg, mime: "image/jpeg" }, clock)).not.toBe(first);
    expect(statSync(path.join(dir, ".key")).mode & 0o777).toBe(0o600);
  });

  it("stops serving once the delivery is final and the grace period has passed", async () => {
    const name = await shelf.put({ id: 3, queuedAt: 1 }, { bytes: jpeg, mime: "image/jpeg" }, clock);
    clock += 10 * GRACE; // not final yet: served however long it takes
    expect((await get(base + name)).status).toBe(200);
    await shelf.settle(3, clock);
    clock += GRACE - 1;
    expect((await get(base + name)).status).toBe(200);
    clock += 1;
    expect((await get(base + name)).status).toBe(404);
  });

  it.each([
    ["the folder itself", ""],
    ["the folder without its slash", "GONE"],
    ["the key", ".key"],
    ["an encoded path up", "..%2F.key"],
    ["an encoded dot-dot path", "%2e%2e%2f%2e%2e%2fcrier.db"],
    ["a dot-dot path", "../crier.db"],
    ["a name of the right form that was never stored", `${"A".repeat(43)}.jpg`],
  ])("answers 404 to %s, never a listing or another file", async (_case, rest) => {
    const name = await shelf.put({ id: 4, queuedAt: 1 }, { bytes: jpeg, mime: "image/jpeg" }, clock);
    writeFileSync(path.join(dir, "..", "crier.db"), "secret database");
    const url = rest === "GONE" ? base.slice(0, -1) : base + rest;
    const r = await get(url);
    expect(r.status).toBe(404);
    expect(r.bytes.toString()).not.toContain(name);
    expect(r.bytes.toString()).not.toContain("secret database");
    // the label beside the image is not served either
    expect((await get(base + name.replace(/\.jpg$/, ".json"))).status).toBe(404);
  });

  it("answers 404 for a stored name asked with another extension", async () => {
    const name = await shelf.put({ id: 5, queuedAt: 1 }, { bytes: jpeg, mime: "image/jpeg" }, clock);
    expect((await get(base + name.replace(/\.jpg$/, ".png"))).status).toBe(404);
  });
});

describe("MediaShelf.sweep (retention)", () => {
  it("deletes what expired or lost its delivery, starts the grace period of deliveries that became final elsewhere, keeps the rest", async () => {
    const states = new Map<number, DeliveryState | null>([[10, "pending"], [11, "sent"], [12, null], [13, "sent"]]);
    const names = new Map<number, string>();
    for (const id of states.keys()) names.set(id, await shelf.put({ id, queuedAt: 1 }, { bytes: Buffer.concat([jpeg, Buffer.from([id])]), mime: "image/jpeg" }, clock));
    await shelf.settle(13, clock); // final in this process
    const stateOf = async (id: number) => states.get(id) ?? null;

    clock += GRACE; // 13's grace is over
    const first = await shelf.sweep(clock, { stateOf, maxAgeMs: 90 * 86_400_000 });
    expect(first).toEqual({ deleted: 2, kept: 2 }); // 12 (row gone), 13 (expired)
    expect((await get(base + names.get(10)!)).status).toBe(200);
    expect((await get(base + names.get(11)!)).status).toBe(200); // final, but its grace starts now
    expect((await get(base + names.get(12)!)).status).toBe(404);

    clock += GRACE;
    expect(await shelf.sweep(clock, { stateOf, maxAgeMs: 90 * 86_400_000 })).toEqual({ deleted: 1, kept: 1 });
    expect((await get(base + names.get(11)!)).status).toBe(404);
    const left = readdirSync(dir).filter((f) => f !== ".key");
    expect(left.sort()).toEqual([names.get(10)!, names.get(10)!.replace(/\.jpg$/, ".json")].sort());

    // an image older than retention goes whatever its delivery's state
    expect(await shelf.sweep(clock + 90 * 86_400_000, { stateOf, maxAgeMs: 90 * 86_400_000 })).toEqual({ deleted: 1, kept: 0 });
  });
});
