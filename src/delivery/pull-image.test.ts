// What a platform that pulls images gets for one delivery, on a real media shelf in a temporary
// data folder: the article's own URL, a URL on the public listener serving the fitted bytes, or no
// image with the reason the delivery record will carry.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import type { AttachedImage } from "../core/adapter.js";
import type { Destination } from "../config/load.js";
import { MediaShelf } from "./media-shelf.js";
import { publicUrlFor, type PullContext } from "./pull-image.js";

const NOW = 1_700_000_000_000;
const MEDIA = "https://crier.example.org/media/";
const image: AttachedImage = { bytes: Buffer.from("fitted jpeg bytes"), mime: "image/jpeg", width: 1080, height: 1080, alt: "a harbour", url: "https://news.example.org/a.jpg" };
const delivery = { id: 42, queuedAt: NOW - 1000 };

function destination(hostRule?: (url: string) => string | null): Destination {
  const adapter = { platform: "pulltest", imageUrlProblem: hostRule ? (url: string) => hostRule(url) : undefined };
  return { id: "ig", platform: "pulltest", adapter, cfg: {} } as unknown as Destination;
}

let shelf: MediaShelf;
let ctx: PullContext;
beforeEach(() => {
  shelf = new MediaShelf(path.join(mkdtempSync(path.join(tmpdir(), "crier-pull-")), "media"), 60_000);
  ctx = { allowPrivateAddresses: false, publicMedia: { shelf, mediaUrl: MEDIA }, listenerConfigured: true, now: NOW };
});

describe("publicUrlFor", () => {
  it("hands out the article's own https URL when the fitted image is its bytes unchanged; nothing is stored", async () => {
    expect(await publicUrlFor(destination(), delivery, image, true, ctx)).toEqual({ url: "https://news.example.org/a.jpg" });
    expect(await shelf.sweep(NOW, { stateOf: async () => "pending", maxAgeMs: 1e9 })).toEqual({ deleted: 0, kept: 0 });
  });

  it("serves a fitted image from the public listener: exactly those bytes, under an unguessable name", async () => {
    const pulled = await publicUrlFor(destination(), delivery, image, false, ctx);
    expect(pulled).toEqual({ url: expect.stringMatching(/^https:\/\/crier\.example\.org\/media\/[A-Za-z0-9_-]{43}\.jpg$/) });
    const name = (pulled as { url: string }).url.slice(MEDIA.length);
    expect((await shelf.open(name, NOW))?.bytes.equals(image.bytes)).toBe(true);
  });

  it("serves an unchanged image the adapter's host rule refuses, and one on plain http", async () => {
    const rule = (url: string) => (url.startsWith(MEDIA) ? null : "not under the verified domain");
    expect(await publicUrlFor(destination(rule), delivery, image, true, ctx)).toEqual({ url: expect.stringMatching(/^https:\/\/crier\.example\.org\/media\//) });
    expect(await publicUrlFor(destination(), delivery, { ...image, url: "http://news.example.org/a.jpg" }, true, ctx)).toEqual({ url: expect.stringMatching(/\/media\//) });
  });

  it("drops the image with the reason when this process does not serve (poll --once) or none is configured", async () => {
    expect(await publicUrlFor(destination(), delivery, image, false, { ...ctx, publicMedia: undefined })).toEqual({
      dropped: "pulltest pulls images by URL; the image was fitted to the platform's rules, and only `crier run` serves it (with `poll --once`, only article images that already meet its rules are posted)",
    });
    expect(await publicUrlFor(destination(), delivery, image, false, { ...ctx, publicMedia: undefined, listenerConfigured: false })).toEqual({
      dropped: "pulltest pulls images by URL; the image was fitted to the platform's rules, and no publicListener is configured to serve it from",
    });
    // An unchanged https original needs no listener at all.
    expect(await publicUrlFor(destination(), delivery, image, true, { ...ctx, publicMedia: undefined })).toEqual({ url: image.url });
  });

  it("drops the image when the platform could not pull from the public listener's URL either", async () => {
    const rule = (url: string) => (url.startsWith("https://media.example.org/") ? null : "not under the verified domain");
    expect(await publicUrlFor(destination(rule), delivery, image, false, ctx)).toEqual({
      dropped: "pulltest pulls images by URL; the image was fitted to the platform's rules, and it cannot pull from Crier's public listener: not under the verified domain",
    });
  });

  it("drops the image, saying why, when it cannot be stored for serving", async () => {
    const pulled = await publicUrlFor(destination(), delivery, { ...image, mime: "image/tiff" }, false, ctx);
    expect(pulled).toEqual({ dropped: "pulltest pulls images by URL; the image was fitted to the platform's rules, and it could not be stored for serving: cannot serve image/tiff images" });
  });
});
