/**
 * The login session of one destination, kept across restarts in the core's SessionStore, because
 * com.atproto.server.createSession is limited to 30 per 5 minutes and 300 per day per account
 * (https://docs.bsky.app/docs/advanced-guides/rate-limits). A saved session is resumed (which
 * refreshes it); only a missing or expired one leads to a new login. Tokens are never logged.
 * This is the client `connect` opens: the module that loads @atproto/api (~40 MB of lexicons).
 */
import { AtpAgent, AtUri, type AtpSessionData, type AtpSessionEvent } from "@atproto/api";
import { z } from "zod";
import { errorText, type ConnectDeps } from "../../src/core/index.js";
import type { BlueskyConfig } from "./config.js";

/** What the session file holds: the session, and whom and where it is for. */
const savedSession = z.object({
  v: z.literal(1),
  service: z.string(),
  identifier: z.string(),
  session: z
    .object({ accessJwt: z.string(), refreshJwt: z.string(), handle: z.string(), did: z.string(), active: z.boolean().default(true) })
    .passthrough(),
});

/** The saved session if it is for this service and account, else null (a config change means a new login). Pure. */
export function parseSavedSession(text: string | null, cfg: Pick<BlueskyConfig, "service" | "handle">): AtpSessionData | null {
  if (!text) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const saved = savedSession.safeParse(json);
  if (!saved.success || saved.data.service !== cfg.service || saved.data.identifier !== cfg.handle.toLowerCase()) return null;
  return saved.data.session as AtpSessionData;
}

export function serializeSession(session: AtpSessionData, cfg: Pick<BlueskyConfig, "service" | "handle">): string {
  return JSON.stringify({ v: 1, service: cfg.service, identifier: cfg.handle.toLowerCase(), session });
}

/**
 * A fetch that bounds the calls nothing else bounds: the session calls @atproto/api makes on its own
 * (createSession, refreshSession, getSession, at connect and when a token expires mid-send) come as
 * a URL and an init without a signal (CredentialSession's `server`), and end after `timeoutMs` (the
 * library has no timeout of its own). The account's calls come as a Request built with the caller's
 * options (CredentialSession.fetchHandler): every one of ours carries the core's signal (the send
 * timeout, shutdown), which bounds it alone.
 */
export function boundedFetch(timeoutMs: number, base: typeof fetch = fetch): typeof fetch {
  return (input, init) => (input instanceof Request || init?.signal ? base(input, init) : base(input, { ...init, signal: AbortSignal.timeout(timeoutMs) }));
}

export interface BlueskySession {
  agent: AtpAgent;
  /** @atproto/api's AT URI parser, on the client so that send.ts loads no SDK. */
  AtUri: typeof AtUri;
  /** The account's DID. */
  did(): string;
  /** The account's current handle ("handle.invalid" when its DNS or DID document is broken). */
  handle(): string;
  /**
   * Runs one API call with a live session: logs in first when the session is gone, and once more
   * when the call lost it (the PDS refused the refresh token). Only for calls safe to repeat.
   */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** Waits until every session change is saved. Never throws. */
  flush(): Promise<void>;
}

/**
 * Resumes the saved session, or logs in when there is none or it has expired. Refreshed sessions
 * are saved as they come (persistSession), a revoked one is cleared.
 * @throws whatever the login or a resume that failed for another reason (network) threw.
 */
export async function openSession(cfg: BlueskyConfig, deps: ConnectDeps, fetchImpl?: typeof fetch): Promise<BlueskySession> {
  const log = deps.logger;
  let saving: Promise<void> = Promise.resolve();
  const persist = (event: AtpSessionEvent, session: AtpSessionData | undefined): void => {
    let write: (() => Promise<void>) | undefined;
    if ((event === "create" || event === "update") && session) write = () => deps.session.save(serializeSession(session, cfg));
    if (event === "expired") write = () => deps.session.clear();
    if (!write) return;
    saving = saving.then(write).then(
      () => log.debug({ event }, "bluesky session stored"),
      (err: unknown) => log.warn({ event, error: errorText(err) }, "could not store the Bluesky session; the next start logs in again"),
    );
  };
  const agent = new AtpAgent({ service: cfg.service, fetch: fetchImpl ?? boundedFetch(deps.timeoutMs), persistSession: persist });
  const login = async (why: string): Promise<void> => {
    log.info({ identifier: cfg.handle, why }, "bluesky: logging in (createSession)");
    await agent.login({ identifier: cfg.handle, password: cfg.appPassword });
  };

  const saved = parseSavedSession(await deps.session.load(), cfg);
  if (!saved) {
    await login("no saved session");
  } else {
    try {
      await agent.resumeSession(saved);
      log.debug({ did: saved.did }, "bluesky: resumed the saved session");
    } catch (err) {
      // resumeSession keeps the session when the refresh failed for a reason other than the token.
      if (agent.session) throw err;
      await login("the saved session has expired or was revoked");
    }
  }
  await saving;

  const live = (): AtpSessionData => {
    if (!agent.session) throw new Error("bluesky: no session (login failed)");
    return agent.session;
  };
  return {
    agent,
    AtUri,
    did: () => live().did,
    handle: () => live().handle,
    async call(fn) {
      if (!agent.session) await login("the session was lost");
      try {
        return await fn();
      } catch (err) {
        if (agent.session) throw err;
        await login("the PDS refused the session's refresh token");
        return fn();
      }
    },
    flush: () => saving,
  };
}
