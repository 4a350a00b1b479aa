// The image fitter on real pixels: each output is read back with sharp (its real format and size),
// never trusted from what fitImage says of it. Limits as the pull platforms declare them.
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import type { ImageLimits } from "../core/adapter.js";
import { fitImage } from "./fit-image.js";
import { meetsGeometry, planFit, ratioAllowed } from "./fit-geometry.js";

/** Instagram's feed-image rules (adapters/instagram/index.ts): JPEG, 320-1440 wide, 4:5 to 1.91:1, cropped. */
const CROP: ImageLimits = { maxBytes: 8_000_000, maxWidth: 1440, minWidth: 320, maxHeight: 1800, formats: ["jpeg"], aspectRatio: { min: 0.8, max: 1.91 }, fit: "crop", delivery: "pull" };
const PAD: ImageLimits = { ...CROP, fit: "pad" };
/** Threads' (adapters/threads/index.ts): JPEG or PNG, 1:10 to 10:1. */
const THREADS: ImageLimits = { maxBytes: 8_000_000, maxWidth: 1440, maxHeight: 14_400, minWidth: 320, formats: ["jpeg", "png"], aspectRatio: { min: 0.1, max: 10 }, delivery: "pull" };

const RED = { r: 200, g: 0, b: 0 };
async function solid(width: number, height: number, format: "jpeg" | "png" = "jpeg"): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: RED } });
  return format === "png" ? img.png().toBuffer() : img.jpeg({ quality: 80 }).toBuffer();
}
const source = async (width: number, height: number, format: "jpeg" | "png" = "jpeg") => ({ bytes: await solid(width, height, format), format, width, height, url: "https://news.example.org/a.jpg", alt: "a" });

/** The pixel at (x, y) as [r, g, b]. */
async function pixel(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [data[at] ?? -1, data[at + 1] ?? -1, data[at + 2] ?? -1];
}

describe("fitImage: ratio, size and format, read back from the output's own pixels", () => {
  it.each([
    // [case, source width, height, limits, expected width, height]
    ["1:10 (a tall graphic), cropped to 4:5 and enlarged to minWidth", 100, 1000, CROP, 320, 400],
    ["10:1 (a panorama), cropped to 1.91:1", 5000, 500, CROP, 955, 500],
    ["10:1 and huge, cropped to 1.91:1 and scaled to maxWidth", 10_000, 1000, CROP, 1440, 754],
    ["1:10 and huge, cropped to 4:5 within maxHeight", 1000, 10_000, CROP, 1000, 1250],
    ["square and huge, scaled to maxWidth", 6000, 6000, CROP, 1440, 1440],
    ["1.9107 (just over 1.91), cropped inward to 1.9093", 1433, 750, CROP, 1432, 750],
    ["0.79 (just under 4:5), cropped inward to 0.8004", 790, 1000, CROP, 790, 987],
    ["tiny square below minWidth, enlarged", 100, 100, CROP, 320, 320],
    ["tiny panorama below minWidth, cropped then enlarged", 50, 20, CROP, 320, 168],
    ["10:1 padded to 1.91:1 within maxWidth", 5000, 500, PAD, 1440, 754],
    ["1:10 padded to 4:5 (the picture kept at its size, white either side)", 100, 1000, PAD, 800, 1000],
    ["1:12 for Threads, cropped to exactly 1:10", 400, 4800, THREADS, 400, 4000],
  ])("%s", async (_case, width, height, limits, expectedW, expectedH) => {
    const out = await fitImage(await source(width, height), limits);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", expectedW, expectedH]);
    expect(out).toMatchObject({ mime: "image/jpeg", width: expectedW, height: expectedH });
    expect(meetsGeometry(expectedW, expectedH, limits)).toBe(true);
    expect(out.bytes.length).toBeLessThanOrEqual(limits.maxBytes);
  });

  it.each([
    ["exactly 1.91:1", 955, 500],
    ["exactly 4:5", 800, 1000],
    ["1:1", 1000, 1000],
    ["exactly minWidth", 320, 320],
    ["exactly maxWidth", 1440, 1000],
  ])("keeps a JPEG at %s byte for byte (so the article's own URL can be pulled)", async (_case, width, height) => {
    const src = await source(width, height);
    const out = await fitImage(src, CROP);
    expect(out.bytes).toBe(src.bytes);
  });

  it("keeps Threads' extreme 1:10 byte for byte, and crops only past it", async () => {
    const src = await source(320, 3200);
    expect((await fitImage(src, THREADS)).bytes).toBe(src.bytes);
  });

  it("pads on white: the letterbox is white, the picture stays whole in the middle", async () => {
    const wide = await fitImage(await source(5000, 500), PAD);
    const [r, g, b] = await pixel(wide.bytes, 720, 5);
    expect(Math.min(r!, g!, b!)).toBeGreaterThan(245); // top bar: white
    const [cr, cg] = await pixel(wide.bytes, 720, 377);
    expect(cr).toBeGreaterThan(150); // centre: the red picture
    expect(cg).toBeLessThan(60);
    const tall = await fitImage(await source(100, 1000), PAD);
    const [lr, lg, lb] = await pixel(tall.bytes, 2, 200);
    expect(Math.min(lr!, lg!, lb!)).toBeGreaterThan(245); // left bar: white
  });

  it("crops around the centre: nothing of the letterbox colour, the picture fills the frame", async () => {
    const out = await fitImage(await source(5000, 500), CROP);
    const [r, g] = await pixel(out.bytes, 0, 0);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(60);
  });

  it("turns a PNG with transparency into a JPEG on white, at an allowed size", async () => {
    const png = await sharp({ create: { width: 600, height: 400, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const out = await fitImage({ bytes: png, format: "png", width: 600, height: 400, url: "u", alt: "a" }, CROP);
    const meta = await sharp(out.bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(["jpeg", 600, 400, false]);
    const [r, g, b] = await pixel(out.bytes, 300, 200);
    expect(Math.min(r!, g!, b!)).toBeGreaterThan(240);
  });

  it("keeps an allowed PNG for a platform that takes PNG, re-encodes it for one that does not", async () => {
    const src = await source(600, 400, "png");
    expect((await fitImage(src, THREADS)).bytes).toBe(src.bytes);
    expect((await sharp((await fitImage(src, CROP)).bytes).metadata()).format).toBe("jpeg");
  });

  it("shrinks to the byte limit without leaving the ratio range or going under minWidth", async () => {
    const raw = Buffer.alloc(2000 * 400 * 3);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251; // noise: compresses badly
    const bytes = await sharp(raw, { raw: { width: 2000, height: 400, channels: 3 } }).png().toBuffer();
    const limits = { ...CROP, maxBytes: 60_000 };
    const out = await fitImage({ bytes, format: "png", width: 2000, height: 400, url: "u", alt: "a" }, limits);
    const meta = await sharp(out.bytes).metadata();
    expect(out.bytes.length).toBeLessThanOrEqual(60_000);
    expect(meetsGeometry(meta.width!, meta.height!, limits)).toBe(true);
  });
});

describe("planFit and ratioAllowed (pure)", () => {
  it.each([
    [1910, 1000, true], // exactly 1.91: the bound is allowed
    [19_103, 10_000, false], // 1.9103
    [800, 1000, true], // exactly 4:5
    [7999, 10_000, false],
  ])("ratioAllowed(%i, %i) for 0.8-1.91 is %s", (w, h, allowed) => {
    expect(ratioAllowed(w, h, CROP.aspectRatio)).toBe(allowed);
  });

  it("every plan meets the limits it was made for, from 1:40 to 40:1, tiny to huge, crop and pad", () => {
    const sizes = [1, 2, 3, 7, 19, 50, 319, 320, 321, 799, 1000, 1433, 1910, 4096, 20_000];
    for (const limits of [CROP, PAD, THREADS]) {
      for (const w of sizes) {
        for (const h of sizes) {
          const plan = planFit(w, h, limits);
          expect(meetsGeometry(plan.width, plan.height, limits), `${w}x${h} -> ${plan.width}x${plan.height} (${limits.fit ?? "crop"})`).toBe(true);
          for (const shrink of [0.75, 0.3]) {
            const smaller = planFit(w, h, limits, shrink);
            expect(ratioAllowed(smaller.width, smaller.height, limits.aspectRatio) && smaller.width >= (limits.minWidth ?? 1), `${w}x${h} shrunk ${shrink}`).toBe(true);
          }
        }
      }
    }
  });
});
