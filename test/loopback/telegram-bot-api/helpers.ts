// Test helpers shared by the loopback server's own tests (real HTTP over 127.0.0.1, global fetch).
import { scaled } from "../../support/timing.js";
import { startTelegramLoopback, type TelegramLoopback, type TelegramLoopbackOptions } from "./server.js";

export const TOKEN = "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11";
export const CHANNEL = { id: -1001234567890, type: "channel", username: "crier_test", title: "Crier Test" } as const;
export const GROUP = { id: -4001, type: "group", title: "Group" } as const;

export interface ApiReply {
  ok: boolean;
  result?: any;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export function loopbackPool() {
  const open: TelegramLoopback[] = [];
  return {
    async start(extra: Partial<TelegramLoopbackOptions> = {}): Promise<TelegramLoopback> {
      const srv = await startTelegramLoopback({ tokens: [TOKEN], chats: [CHANNEL, GROUP], ...extra });
      open.push(srv);
      return srv;
    },
    async closeAll(): Promise<void> {
      await Promise.all(open.splice(0).map((s) => s.close()));
    },
  };
}

export async function callJson(
  srv: TelegramLoopback,
  method: string,
  params: Record<string, unknown>,
  token = TOKEN,
): Promise<{ status: number; body: ApiReply }> {
  const res = await fetch(`${srv.url}/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as ApiReply };
}

/** A PNG header (signature + IHDR for width x height) followed by `tail` arbitrary bytes. */
export function fakePng(width: number, height: number, tail: Buffer = Buffer.alloc(0)): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "latin1");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 6, 0, 0, 0], 16);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, ihdr, tail]);
}

/** Bytes that contain every octet value and multipart-looking sequences, to prove uploads arrive intact. */
export function nastyBytes(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (i * 131 + (i >> 8)) & 0xff;
  out.write("\r\n--\r\n\r\n--boundary--\r\n", 100, "latin1");
  return out;
}
