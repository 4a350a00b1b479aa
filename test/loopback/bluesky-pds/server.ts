// A real Bluesky PDS (@atproto/pds) for Crier's tests, in-process and offline: an in-memory PLC
// directory (@did-plc/server's mock database), SQLite and blobs in a temp folder, no appview, no
// email, no crawlers. Both servers listen on 127.0.0.1 only, on random ports. README.md says more.
import http from "node:http";
import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { AtpAgent } from "@atproto/api";
import { PDS, envToCfg, envToSecrets } from "@atproto/pds";
import { Database as PlcDatabase, PlcServer } from "@did-plc/server";
import type { BlueskyPds, BlueskyPdsOptions, RecordedRequest, StoredPost } from "./types.js";

export type { BlueskyPds, BlueskyPdsOptions, FaultAction, RecordedRequest, StoredPost } from "./types.js";

const POST = "app.bsky.feed.post";

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

/** A secp256k1 private key as hex, as envToSecrets wants the PLC rotation key. */
function k256PrivateKeyHex(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  const d = privateKey.export({ format: "jwk" }).d ?? "";
  return Buffer.from(d, "base64url").toString("hex");
}

function recorded(req: http.IncomingMessage): RecordedRequest {
  const pathname = new URL(req.url ?? "/", "http://x").pathname;
  return { method: req.method ?? "GET", nsid: pathname.startsWith("/xrpc/") ? pathname.slice(6) : pathname };
}

/** Starts PLC and PDS, creates the account and an app password. Resolves in about a second. */
export async function startBlueskyPds(opts: BlueskyPdsOptions = {}): Promise<BlueskyPds> {
  const handle = opts.handle ?? "crier.test";
  const dataDir = await mkdtemp(path.join(tmpdir(), "crier-pds-"));
  const plc = PlcServer.create({ db: PlcDatabase.mock() });
  const plcHttp = await listenLocal(plc.app);

  const requests: RecordedRequest[] = [];
  let recording = false;
  let app: http.RequestListener | undefined;
  const pdsHttp = await listenLocal((req, res) => {
    const r = recorded(req);
    if (recording) requests.push(r);
    const fault = recording ? opts.fault?.(r) : undefined;
    if (fault?.kind === "reply") {
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(JSON.stringify(fault.body));
      return;
    }
    if (fault?.kind === "drop-after") res.end = (() => (req.socket.destroy(), res)) as typeof res.end;
    if (fault?.kind === "hang-after") res.end = (() => res) as typeof res.end;
    app?.(req, res);
  });

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

  const url = `http://127.0.0.1:${pdsHttp.port}`;
  const accountPassword = randomBytes(12).toString("hex");
  const agent = new AtpAgent({ service: url });
  let password: string;
  try {
    const cfg = envToCfg(env);
    // envToCfg makes http://localhost:<port>; the DID document must name the address we listen on.
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
  recording = true;

  const toPost = (r: { uri: string; cid?: string; value: unknown }): StoredPost => ({
    uri: r.uri, cid: r.cid ?? "", value: r.value as Record<string, unknown>,
  });
  return {
    url,
    plcUrl: env.didPlcUrl,
    handle,
    did,
    password,
    accountPassword,
    requests,
    count: (nsid) => requests.filter((r) => r.nsid === nsid).length,
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
