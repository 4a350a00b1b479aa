// What the loopback learns from the bytes of a fetched image (never from its Content-Type): is it
// a baseline/progressive JPEG, its pixel size, and whether it is an MPO (a multi-picture JPEG).
// https://developers.facebook.com/docs/instagram-platform/content-publishing (examples v25.0):
// "JPEG is the only image format supported. Extended JPEG formats such as MPO and JPS are not supported."

export interface ImageFacts {
  format: "jpeg" | "mpo" | "png" | "gif" | "webp" | "unknown";
  width?: number;
  height?: number;
}

function sniff(b: Buffer): ImageFacts["format"] {
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47) return "png";
  if (b.length >= 6 && b.toString("latin1", 0, 3) === "GIF") return "gif";
  if (b.length >= 12 && b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP") return "webp";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  return "unknown";
}

/** Walks the JPEG segments up to the first frame header (SOF0–SOF15 except DHT C4, JPG C8, DAC CC). */
export function imageFacts(b: Buffer): ImageFacts {
  const format = sniff(b);
  if (format !== "jpeg") return { format };
  let mpo = false;
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return { format: "unknown" };
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i++;
      continue;
    }
    // APP2 carrying "MPF\0": the Multi-Picture Format index (CIPA DC-007) that makes a JPEG an MPO.
    if (marker === 0xe2 && b.toString("latin1", i + 4, i + 8) === "MPF\0") mpo = true;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { format: mpo ? "mpo" : "jpeg", height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    }
    i += 2 + b.readUInt16BE(i + 2);
  }
  return { format: "unknown" };
}
