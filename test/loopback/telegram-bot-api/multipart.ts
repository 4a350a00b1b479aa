// Minimal multipart/form-data parser (RFC 7578) over a fully buffered body.
// The Bot API accepts "multipart/form-data (use to upload files)":
//   https://core.telegram.org/bots/api#making-requests and https://core.telegram.org/bots/api#inputfile
// Written for the loopback server: file bytes are copied out untouched; text fields are UTF-8
// ("All queries must be made using UTF-8", #making-requests). Parts without a Content-Type header
// (telegraf sends file parts that way) get "application/octet-stream".
import type { UploadedFile } from "./types.js";

export interface MultipartResult {
  fields: Record<string, string>;
  files: Record<string, UploadedFile>;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function dispositionParam(disposition: string, name: string): string | undefined {
  // filename*=UTF-8''percent-encoded (RFC 5987) wins over filename="..."
  if (name === "filename") {
    const ext = /;\s*filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
    if (ext?.[2] !== undefined) {
      try {
        return decodeURIComponent(ext[2].trim());
      } catch {
        return ext[2].trim();
      }
    }
  }
  const re = new RegExp(`;\\s*${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, "i");
  const m = re.exec(disposition);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? "").trim();
}

export function parseMultipart(body: Buffer, boundary: string): MultipartResult {
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  const nextDelimiter = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError("boundary not found");
  pos += delimiter.length;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // "--" closes the body
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++; // transport padding
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError("malformed part delimiter");
    pos += 2;
    let headerBlock = "";
    let contentStart = pos;
    if (!(body[pos] === 0x0d && body[pos + 1] === 0x0a)) {
      const headerEnd = body.indexOf("\r\n\r\n", pos);
      if (headerEnd < 0) throw new MultipartError("unterminated part headers");
      headerBlock = body.subarray(pos, headerEnd).toString("utf8");
      contentStart = headerEnd + 4;
    } else contentStart = pos + 2;
    const end = body.indexOf(nextDelimiter, contentStart);
    if (end < 0) throw new MultipartError("unterminated part");
    const headers = parseHeaders(headerBlock);
    const disposition = headers.get("content-disposition") ?? "";
    const name = dispositionParam(disposition, "name");
    const filename = dispositionParam(disposition, "filename");
    const content = body.subarray(contentStart, end);
    if (name !== undefined) {
      if (filename !== undefined) {
        files[name] = {
          filename,
          contentType: headers.get("content-type") ?? "application/octet-stream",
          bytes: Buffer.from(content),
        };
      } else fields[name] = content.toString("utf8");
    }
    pos = end + nextDelimiter.length;
  }
  return { fields, files };
}
