// The LinkedIn API as its public reference describes it, on the shared loopback harness: the
// versioned /rest endpoints (posts, images), the image upload URL, /v2/userinfo and the OAuth
// endpoints, one origin for all (the real ones are api.linkedin.com and www.linkedin.com).
// See README.md for every behaviour and its source. Imports nothing from src/ or adapters/.
import { startHarness, type Harness, type RecordedRequest, type Reply } from "../harness.js";
import { WindowLimiter } from "../harness-limits.js";
import { Accounts, DAY, type App, type Member, type Organization, type Token } from "./accounts.js";
import { errors } from "./errors.js";
import { Content, type StoredPost } from "./posts.js";
import { isActive } from "./versions.js";

export const MEMBER: Member = { sub: "782bbtaQ", name: "Ada Lovelace", given_name: "Ada", family_name: "Lovelace" };
export const PAGE: Organization = { id: "2414183", name: "Riverside Courier", admins: [MEMBER.sub] };
export const APP: App = { clientId: "77crierloopback", clientSecret: "loopback-client-secret-0123" };
/** Scopes of the default token: a member app with Share on LinkedIn, Sign In with OpenID Connect, and page posting. */
export const ALL_SCOPES = ["openid", "profile", "email", "w_member_social", "w_organization_social"];
export const DEFAULT_TOKEN = "AQVloopback-member-token-0123456789";

export interface LinkedInLoopbackOptions {
  /** The loopback's clock (token expiry, version sunsets, the daily limit, duplicates). Default Date.now. */
  now?: () => number;
  /** Posts a member may create per UTC day (unpublished by LinkedIn: the loopback's knob). Default 150. */
  dailyPosts?: number;
  members?: Member[];
  organizations?: Organization[];
}

export interface LinkedInLoopback {
  h: Harness;
  /** The API origin (apiBase) and the OAuth root (oauthBase). */
  apiBase: string;
  oauthBase: string;
  accounts: Accounts;
  content: Content;
  /** The live (not deleted) posts, oldest first. */
  posts(): StoredPost[];
  close(): Promise<void>;
}

/** Gateway checks of every /rest call, in LinkedIn's order as far as observed: version, protocol, token. */
function versioned(accounts: Accounts, now: () => number, handler: (req: RecordedRequest, token: Token, version: string) => Reply) {
  return (req: RecordedRequest): Reply => {
    const version = req.headers["linkedin-version"];
    if (typeof version !== "string" || version === "") return errors.versionMissing();
    if (!isActive(version, now())) return errors.nonexistentVersion(version);
    if (req.headers["x-restli-protocol-version"] !== "2.0.0") return errors.restliMissing();
    const token = accounts.authenticate(req);
    return "status" in token ? token : handler(req, token, version);
  };
}

export async function startLinkedInLoopback(opts: LinkedInLoopbackOptions = {}): Promise<LinkedInLoopback> {
  const now = opts.now ?? Date.now;
  const accounts = new Accounts(opts.members ?? [MEMBER], opts.organizations ?? [PAGE], APP, now);
  accounts.issue(MEMBER.sub, ALL_SCOPES, 60 * DAY, DEFAULT_TOKEN);
  let base = "";
  const content = new Content(accounts, now, () => base);
  const memberOf = (req: RecordedRequest) => accounts.tokens.get(/^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ""))?.[1] ?? "")?.sub;
  const h = await startHarness({
    now,
    notFound: (req) => errors.notFound(`${req.method} ${req.path}`),
    limits: [{
      // "Rate limits specify the maximum number of API calls that can be made in a 24 hour period.
      // These limits reset at midnight UTC every day." Windows aligned to the epoch start at 00:00 UTC.
      match: "/rest/posts",
      key: (req) => (req.method === "POST" ? memberOf(req) : undefined),
      limiter: new WindowLimiter({ limit: opts.dailyPosts ?? 150, windowMs: DAY, mode: "aligned" }),
      tooMany: (_state, at) => errors.throttled(at),
    }],
  });
  base = h.url;
  h.route("POST", "/rest/posts", versioned(accounts, now, (req, token, v) => content.create(req, token, v)));
  h.route("DELETE", "/rest/posts/:urn", versioned(accounts, now, (req, token, v) => content.remove(req, token, v)));
  h.route("POST", "/rest/images", versioned(accounts, now, (req, token, v) => content.initializeUpload(req, token, v)));
  h.route("PUT", "/dms-uploads/:key/uploaded-image/0", (req) => content.upload(req));
  h.route("GET", "/v2/userinfo", (req) => accounts.userinfo(req));
  h.route("POST", "/oauth/v2/accessToken", (req) => accounts.accessToken(req));
  h.route("POST", "/oauth/v2/introspectToken", (req) => accounts.introspect(req));
  return {
    h, apiBase: h.url, oauthBase: `${h.url}/oauth/v2`, accounts, content,
    posts: () => [...content.posts.values()].filter((p) => !p.deleted),
    close: () => h.close(),
  };
}
