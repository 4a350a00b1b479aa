import diagnostics from "node:diagnostics_channel";
import dns from "node:dns";
import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaled } from "../../support/timing.js";
import { AtpAgent } from "@atproto/api";
import { startBlueskyPds, type BlueskyPds, type FaultAction, type PdsRequest } from "./server.js";

/** Remote ends of every TCP connection this process opens while the PDS starts and serves. */
const remotes: string[] = [];
const onSocket = (message: unknown) => {
  const { socket } = message as { socket: net.Socket };
  socket.once("connect", () => remotes.push(String(socket.remoteAddress)));
};

/** Every name looked up meanwhile (net.connect resolves through dns.lookup). */
const lookups: string[] = [];
const realLookup = dns.lookup;

let pds: BlueskyPds;
let startMs = 0;
let fault: ((r: PdsRequest) => FaultAction | undefined) | undefined;
beforeAll(async () => {
  diagnostics.subscribe("net.client.socket", onSocket);
  dns.lookup = ((host: string, ...rest: unknown[]) => (lookups.push(host), (realLookup as (...a: unknown[]) => unknown)(host, ...rest))) as typeof dns.lookup;
  const started = Date.now();
  pds = await startBlueskyPds({ fault: (r) => fault?.(r) });
  startMs = Date.now() - started;
});
afterAll(async () => {
  await pds?.close();
  diagnostics.unsubscribe("net.client.socket", onSocket);
  dns.lookup = realLookup;
});

const refused = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect({ host, port }).once("connect", () => (s.destroy(), resolve(false))).once("error", () => resolve(true));
  });

const record = (text: string, rkey?: string) => ({
  repo: pds.did, collection: "app.bsky.feed.post", ...(rkey ? { rkey } : {}),
  record: { $type: "app.bsky.feed.post", text, createdAt: new Date().toISOString() },
});

async function appPasswordAgent() {
  const agent = new AtpAgent({ service: pds.url });
  await agent.login({ identifier: pds.handle, password: pds.password });
  return agent;
}

describe("startBlueskyPds", () => {
  it("starts in a few seconds, with an account under .test on a did:plc", () => {
    expect(startMs).toBeLessThan(scaled(5_000));
    expect(pds.handle).toBe("crier.test");
    expect(pds.did).toMatch(/^did:plc:[a-z2-7]{24}$/);
  });

  it("listens on 127.0.0.1 only, and never connects anywhere else", async () => {
    for (const url of [pds.url, pds.appUrl, pds.plcUrl]) {
      const { hostname, port } = new URL(url);
      expect(hostname).toBe("127.0.0.1");
      expect(await refused("::1", Number(port))).toBe(true);
      const external = Object.values(os.networkInterfaces()).flat().find((i) => i && !i.internal && i.family === "IPv4");
      if (external) expect(await refused(external.address, Number(port))).toBe(true);
    }
    await (await appPasswordAgent()).com.atproto.repo.createRecord(record("network check"));
    expect(remotes.length).toBeGreaterThan(0);
    expect(new Set(remotes)).toEqual(new Set(["127.0.0.1"]));
    expect(new Set(lookups)).toEqual(new Set(["127.0.0.1"]));
  });

  it("the app password logs in and posts; records read back; requests are counted", async () => {
    const before = pds.count("com.atproto.server.createSession");
    const agent = await appPasswordAgent();
    expect(pds.count("com.atproto.server.createSession")).toBe(before + 1);
    expect(agent.session?.handle).toBe("crier.test");
    // The session carries the DID document (as on bsky.social); its PDS endpoint is this server.
    expect(String(agent.pdsUrl)).toBe(`${pds.url}/`);
    const { data } = await agent.com.atproto.repo.createRecord(record("hello from crier", "3mabcdefghij2"));
    expect(data.uri).toBe(`at://${pds.did}/app.bsky.feed.post/3mabcdefghij2`);
    // The harness in front records each request whole, with the PDS's answer.
    const written = pds.requests.filter((r) => r.nsid === "com.atproto.repo.createRecord").at(-1);
    expect(written?.http).toMatchObject({ method: "POST", status: 200, json: { rkey: "3mabcdefghij2", record: { text: "hello from crier" } } });
    expect((await pds.getPost("3mabcdefghij2"))?.value).toMatchObject({ $type: "app.bsky.feed.post", text: "hello from crier" });
    expect(await pds.getPost("3mzzzzzzzzzz2")).toBeNull();
    expect((await pds.listPosts()).map((p) => p.value.text)).toContain("hello from crier");
  });

  it("refuses an expired access token as the PDS does (400 ExpiredToken)", async () => {
    const res = await fetch(`${pds.url}/xrpc/com.atproto.server.getSession`, { headers: { authorization: `Bearer ${pds.expiredAccessJwt()}` } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "ExpiredToken", message: "Token has expired" });
  });

  describe("faults", () => {
    it("status: the PDS never sees the request", async () => {
      const agent = await appPasswordAgent();
      fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "status", status: 503, body: { error: "NotEnoughResources" } } : undefined);
      await expect(agent.com.atproto.repo.createRecord(record("replied", "3mabcdefghik2"))).rejects.toMatchObject({ status: 503 });
      fault = undefined;
      expect(await pds.getPost("3mabcdefghik2")).toBeNull();
    });

    it("destroy-after: the post is written, the answer lost", async () => {
      const agent = await appPasswordAgent();
      fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "destroy-after" } : undefined);
      await expect(agent.com.atproto.repo.createRecord(record("dropped", "3mabcdefghil2"))).rejects.toMatchObject({ status: 1 });
      fault = undefined;
      expect((await pds.getPost("3mabcdefghil2"))?.value.text).toBe("dropped");
    });

    it("hang-after: the post is written, no answer comes", async () => {
      const agent = await appPasswordAgent();
      fault = (r) => (r.nsid === "com.atproto.repo.createRecord" ? { kind: "hang-after" } : undefined);
      const call = agent.com.atproto.repo.createRecord(record("hung", "3mabcdefghim2"), { signal: AbortSignal.timeout(300) });
      await expect(call).rejects.toMatchObject({ status: 1 });
      fault = undefined;
      expect((await pds.getPost("3mabcdefghim2"))?.value.text).toBe("hung");
    });
  });
});

it("close() stops every listener", async () => {
  const other = await startBlueskyPds({ handle: "crier-second.test" });
  const ports = [other.url, other.appUrl, other.plcUrl].map((u) => Number(new URL(u).port));
  await other.close();
  for (const port of ports) expect(await refused("127.0.0.1", port)).toBe(true);
});
