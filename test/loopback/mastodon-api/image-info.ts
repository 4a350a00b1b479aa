// What Mastodon learns from an upload's bytes, not from its declared type (Paperclip detects the
// content type from the file; FastImage reads the size from the header): format and pixel size of
// JPEG, PNG, GIF and WebP, from their headers alone. Anything else is no image.

export interface ImageInfo {
  mime: "image/jpeg" | "image/png" | "image/gif" | "image/webp";
  width: number;
  height: number;
}

const ascii = (b: Buffer, at: number, text: string): boolean => b.length >= at + text.length && b.toString("latin1", at, at + text.length) === text;

function jpeg(b: Buffer): ImageInfo | null {
  // Segments after SOI: FF <marker> <16-bit length incl. itself>; SOF0–SOF15 (not DHT C4, JPG C8, DAC CC) carry the size.
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { mime: "image/jpeg", height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  return null;
}

function webp(b: Buffer): ImageInfo | null {
  if (b.length < 30) return null;
  const mime = "image/webp";
  if (ascii(b, 12, "VP8 ")) return { mime, width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (ascii(b, 12, "VP8L")) {
    const bits = b.readUInt32LE(21);
    return { mime, width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, "VP8X")) return { mime, width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  return null;
}

export function imageInfo(b: Buffer): ImageInfo | null {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
    return { mime: "image/png", width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a"))) return { mime: "image/gif", width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
  if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) return webp(b);
  return null;
}
