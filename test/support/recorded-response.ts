/**
 * Recorded platform answers (adapters/<platform>/fixtures/*.json) replayed over real HTTP on
 * 127.0.0.1, so that each adapter's classify is tested on the errors its own client really throws.
 */
import http from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";

export interface RecordedResponse {
  /** What was sent, e.g. "POST /2/tweets". */
  request: string;
  /** Where the answer comes from (a doc page, an issue, a capture). */
  source: string;
  status: number;
  headers: Record<string, string>;
  /** JSON, or a string sent as is (an HTML error page). */
  body: unknown;
}

/** Reads `<name>.json` from the fixtures folder `dir` (pass `new URL("./", import.meta.url)`). */
export function loadRecorded(dir: URL, name: string): RecordedResponse {
  return JSON.parse(readFileSync(new URL(`${name}.json`, dir), "utf8")) as RecordedResponse;
}

/**
 * Serves `recorded` to every request, runs `call` with the server's base URL
 * (`http://127.0.0.1:PORT`) and resolves to what it threw. Fails when it throws nothing.
 */
export async function thrownBy(recorded: RecordedResponse, platform: string, call: (base: string) => Promise<unknown>): Promise<unknown> {
  const server = http.createServer((req, res) => {
    req.resume().on("end", () => {
      res.writeHead(recorded.status, recorded.headers); // an explicit Date header is kept as recorded
      res.end(typeof recorded.body === "string" ? recorded.body : JSON.stringify(recorded.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await call(base);
  } catch (err) {
    return err;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  throw new Error(`expected ${platform}'s ${recorded.status} to be thrown`);
}
