// The public web server Instagram pulls images from, for tests: a second harness serving
// registered bytes at /images/<name>. Stands in for the article's own image host or Crier's public
// listener. Fault injection and delays are the harness's.
import sharp from "sharp";
import { startHarness, type Harness } from "../harness.js";

export interface ImageHost {
  url: string;
  harness: Harness;
  /** Serves `bytes` at /images/<name> and returns its URL. */
  put(name: string, bytes: Buffer, type?: string): string;
  close(): Promise<void>;
}

export async function startImageHost(): Promise<ImageHost> {
  const files = new Map<string, { bytes: Buffer; type: string }>();
  const h = await startHarness();
  h.route("GET", "/images/:name", (req) => {
    const f = files.get(req.params.name ?? "");
    return f ? { status: 200, body: f.bytes, headers: { "content-type": f.type } } : { status: 404, body: "not found" };
  });
  return {
    url: h.url,
    harness: h,
    put(name, bytes, type = "image/jpeg") {
      files.set(name, { bytes, type });
      return `${h.url}/images/${encodeURIComponent(name)}`;
    },
    close: () => h.close(),
  };
}

/** A real image of this size (a gradient, so that it does not compress to nothing). */
export async function makeImage(width: number, height: number, format: "jpeg" | "png" = "jpeg"): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + Math.floor(i / (width * 3)) * 11) % 256;
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return format === "png" ? img.png().toBuffer() : img.jpeg({ quality: 80 }).toBuffer();
}
