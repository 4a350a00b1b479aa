// A real Bluesky PDS (@atproto/pds) for Crier's tests, in-process and offline: an in-memory PLC
// directory (@did-plc/server's mock database), SQLite and blobs in a temp folder, no appview, no
// email, no crawlers. Every listener is on 127.0.0.1 only, on random ports. The PDS's clients reach
// it through the shared loopback harness (../harness.ts), which records, injects faults and closes;
// the PDS and PLC express apps need the raw request streams, so each has its own listener behind.
// README.md says more.
import http from "node:http";
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { AtpAgent } from "@atproto/api";
import { PDS, envToCfg, envToSecrets } from "@atproto/pds";
import { Database as PlcDatabase, PlcServer } from "@did-plc/server";
import { startHarness, type RecordedRequest, type Reply } from "../harness.js";
import type { BlueskyPds, BlueskyPdsOptions, PdsRequest, StoredPost } from "./types.js";

export type { BlueskyPds, BlueskyPdsOptions, FaultAction, PdsRequest, StoredPost } from "./types.js";

const POST = "app.bsky.feed.post";
/** Hop-by-hop headers (RFC 9110 §7.6.1, read 2026-12-06) are not forwarded; the harness sets the length. */
const HOP = new Set(["connection", "keep-alive", "transfer-encoding", "te", "upgrade", "proxy-connection", "content-length"]);

/** Listens on 127.0.0.1 only (PDS.start and PlcServer.start would bind every interface). */
async function listenLocal(handler?: http.RequestListener): Promise<{ server: http.Server; port: number; sockets: Set<Socket> }> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => (sockets.add(s), s.on("close", () => sockets.delete(s))));
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function closeServer(s: { server: http.Server; sockets: Set<Socket> }): Promise<void> {
  for (const socket of s.sockets) socket.destroy();
  await new Promise((resolve) => s.server.close(resolve));
}

const passable = (headers: http.IncomingHttpHeaders): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([k, v]) => v !== undefined && !HOP.has(k)).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]));

/** The recorded request, as the client sent it, to the PDS's own listener; its answer, bytes as they came. */
function forward(port: number, rec: RecordedRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { ...passable(rec.headers), "content-length": String(rec.body.length) };
    const req = http.request({ host: "127.0.0.1", port, method: rec.method, path: rec.path + rec.search, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c)).on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 502, body: Buffer.concat(chunks), headers: passable(res.headers) }));
    });
    req.on("error", reject);
    req.end(rec.body);
  });
}

const pdsRequest = (rec: RecordedRequest): PdsRequest => ({ method: rec.method, nsid: rec.path.startsWith("/xrpc/") ? rec.path.slice(6) : rec.path, http: rec });

/** A secp256k1 private key as hex, as envToSecrets wants the PLC rotation key. */
function k256PrivateKeyHex(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  const d = privateKey.export({ format: "jwk" }).d ?? "";
  return Buffer.from(d, "base64url").toString("hex");
}

/** Starts PLC and PDS, creates the account and an app password. Resolves in about a second. */
export async function startBlueskyPds(opts: BlueskyPdsOptions = {}): Promise<BlueskyPds> {
  const handle = opts.handle ?? "crier.test";
  const dataDir = await mkdtemp(path.join(tmpdir(), "crier-pds-"));
  const plc = PlcServer.create({ db: PlcDatabase.mock() });
  const plcHttp = await listenLocal(plc.app);

  let app: http.RequestListener | undefined;
  const pdsHttp = await listenLocal((req, res) => app?.(req, res));
  // Recording counts, and faults apply, from the end of setup (account and app password) on.
  let since = Number.POSITIVE_INFINITY;
  const h = await startHarness({ onRequest: (rec) => (h.requests.indexOf(rec) >= since ? opts.fault?.(pdsRequest(rec)) : undefined) });
  h.route("*", /^\/.*$/, (rec) => forward(pdsHttp.port, rec));

  const jwtSecret = randomBytes(16).toString("hex");
  const env = {
    port: pdsHttp.port,
    hostname: "localhost", // handles under ".test"; publicUrl is set to 127.0.0.1 below
    devMode: true,
    // As bsky.social does: session answers carry the DID document, whose PDS endpoint clients follow.
    enableDidDocWithSession: true,
    inviteRequired: false,
    dataDirectory: dataDir,
    blobstoreDiskLocation: path.join(dataDir, "blobs"),
    didPlcUrl: `http://127.0.0.1:${plcHttp.port}`,
    serviceHandleDomains: [".test"],
    rateLimitsEnabled: opts.rateLimits ?? false,
    jwtSecret,
    adminPassword: randomBytes(16).toString("hex"),
    plcRotationKeyK256PrivateKeyHex: k256PrivateKeyHex(),
    crawlers: [],
  };
  let pds: PDS | undefined;
  const shutdown = async (): Promise<void> => {
    await h.close();
    await closeServer(pdsHttp);
    if (pds) {
      // PDS.destroy() would also stop the http-terminator of a PDS.start() we did not call.
      await pds.ctx.sequencer.destroy();
      await pds.ctx.backgroundQueue.destroy();
      await pds.ctx.accountManager.close();
      await pds.ctx.proxyAgent.destroy();
    }
    await closeServer(plcHttp);
    await plc.ctx.db.close();
    await rm(dataDir, { recursive: true, force: true });
  };

  const url = h.url;
  const accountPassword = randomBytes(12).toString("hex");
  const agent = new AtpAgent({ service: url });
  let password: string;
  try {
    const cfg = envToCfg(env);
    // envToCfg makes http://localhost:<port>; the DID document must name the harness in front.
    cfg.service.publicUrl = url;
    pds = await PDS.create(cfg, envToSecrets(env));
    await pds.ctx.sequencer.start();
    app = pds.app;
    await agent.createAccount({ handle, email: `${handle.split(".")[0]}@example.test`, password: accountPassword });
    ({ password } = (await agent.com.atproto.server.createAppPassword({ name: "crier" })).data);
  } catch (err) {
    await shutdown().catch(() => undefined);
    throw err;
  }
  const did = agent.session?.did ?? "";
  const serviceDid = pds.ctx.cfg.service.did;
  since = h.requests.length;
  const requests = (): PdsRequest[] => h.requests.slice(since).map(pdsRequest);

  const toPost = (r: { uri: string; cid?: string; value: unknown }): StoredPost => ({
    uri: r.uri, cid: r.cid ?? "", value: r.value as Record<string, unknown>,
  });
  return {
    url,
    appUrl: `http://127.0.0.1:${pdsHttp.port}`,
    plcUrl: env.didPlcUrl,
    handle,
    did,
    password,
    accountPassword,
    get requests() {
      return requests();
    },
    count: (nsid) => requests().filter((r) => r.nsid === nsid).length,
    harness: h,
    agent,
    async getPost(rkey) {
      try {
        const { data } = await agent.com.atproto.repo.getRecord({ repo: did, collection: POST, rkey });
        return toPost(data);
      } catch (err) {
        if ((err as { error?: string }).error === "RecordNotFound") return null;
        throw err;
      }
    },
    async listPosts() {
      const { data } = await agent.com.atproto.repo.listRecords({ repo: did, collection: POST, limit: 100 });
      return data.records.map(toPost);
    },
    async getBlob(cid) {
      const { data } = await agent.com.atproto.sync.getBlob({ did, cid });
      return Buffer.from(data);
    },
    async listBlobs() {
      const { data } = await agent.com.atproto.sync.listBlobs({ did, limit: 1000 });
      return data.cids;
    },
    expiredAccessJwt() {
      const now = Math.floor(Date.now() / 1000);
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
      // account-manager/helpers/auth.ts createAccessToken: typ at+jwt, aud = the PDS's DID, sub = the account.
      const body = `${b64({ typ: "at+jwt", alg: "HS256" })}.${b64({ scope: "com.atproto.appPass", aud: serviceDid, sub: did, iat: now - 7200, exp: now - 3600 })}`;
      return `${body}.${createHmac("sha256", jwtSecret).update(body).digest("base64url")}`;
    },
    close: shutdown,
  };
}
