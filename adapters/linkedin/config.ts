/**
 * The destination fields of LinkedIn (Posts API). Strict; every field described (the README's
 * table is generated from it). Secrets carry `SECRET` in their registered metadata.
 */
import { z } from "zod";
import { SECRET } from "../../src/core/index.js";
import { LINKEDIN_DEFAULT_VERSION } from "./versions.js";

/** Versioned REST root: https://learn.microsoft.com/en-us/linkedin/marketing/versioning ("base path: https://api.linkedin.com/rest/"). */
export const LINKEDIN_API_BASE = "https://api.linkedin.com";
/** OAuth 2.0 endpoints (accessToken, introspectToken): https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection. */
export const LINKEDIN_OAUTH_BASE = "https://www.linkedin.com/oauth/v2";

// The core validates the structure before it resolves `${NAME}` (src/config/load.ts), then again after.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
// Person ids are opaque (`sub` of /v2/userinfo, e.g. "782bbtaQ"), organization ids are numbers
// (https://learn.microsoft.com/en-us/linkedin/shared/api-guide/concepts/urns: urn:li:organization:{id}).
export const AUTHOR = /^urn:li:(person:[A-Za-z0-9_-]{1,100}|organization:[0-9]{1,20})$/;
// "Linkedin-Version: {Version in YYYYMM format}" (…/versioning); the first versioned release was 202206.
const VERSION = /^20(2[2-9]|[3-9][0-9])(0[1-9]|1[0-2])$/;
const NO_SPACE = /^\S+$/;

const secret = (what: string) =>
  z.string().refine((v) => NO_SPACE.test(v) || ENV_REF.test(v), "must be a token without spaces, or a ${ENV} reference").register(z.globalRegistry, { ...SECRET, description: what });
const url = (fallback: string, what: string) => z.url({ protocol: /^https?$/ }).default(fallback).register(z.globalRegistry, { description: what });

export const linkedinConfig = z
  .object({
    accessToken: secret("Member access token (3-legged OAuth) with w_member_social, or w_organization_social for a page; plus openid and profile for `crier check`. Lasts 60 days. Secret: write it as ${LINKEDIN_ACCESS_TOKEN}."),
    author: z
      .string()
      .refine((v) => AUTHOR.test(v) || ENV_REF.test(v), "must be urn:li:person:<id> (the token's member) or urn:li:organization:<number> (a page the member administers)")
      .register(z.globalRegistry, { description: "Who posts: urn:li:person:<sub from /v2/userinfo> for the member, or urn:li:organization:<id> for a LinkedIn Page (needs the Community Management API)." }),
    linkedinVersion: z
      .string()
      .refine((v) => VERSION.test(v), "must be a version in YYYYMM form, e.g. 202609")
      .default(LINKEDIN_DEFAULT_VERSION)
      .register(z.globalRegistry, { description: `The LinkedIn-Version header (YYYYMM). Each version lives about a year; \`crier check\` warns 90 days before it retires. Default ${LINKEDIN_DEFAULT_VERSION}.` }),
    refreshToken: secret("Programmatic refresh token (only apps approved for them get one). With clientId and clientSecret, Crier renews the access token itself. Secret.").optional(),
    clientId: z.string().min(1).optional().register(z.globalRegistry, { description: "The app's Client ID (Developer Portal → Auth). With clientSecret: token expiry in `crier check`, and refresh." }),
    clientSecret: secret("The app's Client Secret. Secret: write it as ${LINKEDIN_CLIENT_SECRET}.").optional(),
    apiBase: url(LINKEDIN_API_BASE, "API origin (`<apiBase>/rest/posts`, `/v2/userinfo`); change only for a proxy or a test double."),
    oauthBase: url(LINKEDIN_OAUTH_BASE, "OAuth root (`<oauthBase>/accessToken`, `/introspectToken`); change only for a proxy or a test double."),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.refreshToken !== undefined && (cfg.clientId === undefined || cfg.clientSecret === undefined)) {
      ctx.addIssue({ code: "custom", path: ["refreshToken"], message: "a refresh token needs clientId and clientSecret too" });
    }
    if ((cfg.clientId === undefined) !== (cfg.clientSecret === undefined)) {
      ctx.addIssue({ code: "custom", path: [cfg.clientId === undefined ? "clientId" : "clientSecret"], message: "clientId and clientSecret go together" });
    }
  });

export type LinkedInConfig = z.infer<typeof linkedinConfig>;

/** Whether the configured author is a LinkedIn Page (organization) rather than the member. Pure. */
export const isOrganization = (author: string): boolean => author.startsWith("urn:li:organization:");
