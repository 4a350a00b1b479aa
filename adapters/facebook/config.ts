import { z } from "zod";
import { SECRET } from "../../src/core/kit/secret-fields.js";
import { DEFAULT_API_VERSION } from "./versions.js";

/** Host of the Graph API (Page Posts guide, https://developers.facebook.com/docs/pages-api/posts: `https://graph.facebook.com/{version}/…`). */
export const FACEBOOK_API_BASE = "https://graph.facebook.com";

// The core validates the structure before it resolves `${ENV}` (src/config/load.ts), so a field
// that may hold a reference has to accept one; the second pass sees the resolved value.
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
// Graph node ids are decimal strings (a Page post id is "{page-id}_{post-id}", Page Post reference
// https://developers.facebook.com/docs/graph-api/reference/pagepost). Quoted in YAML: 16+ digits
// do not survive as a number.
const NODE_ID = /^[0-9]{1,25}$/;
// Access tokens are opaque; Meta documents no format. No whitespace, and long enough to be one.
const TOKEN = /^[A-Za-z0-9._|%-]{20,}$/;

// The secret's mark and its description in one registration: a second one would replace the first.
const secretToken = (what: string, description?: string) =>
  z
    .string()
    .refine((v) => ENV_REF.test(v) || TOKEN.test(v), `must be ${what} (no spaces), or a \${ENV} reference`)
    .register(z.globalRegistry, description === undefined ? SECRET : { ...SECRET, description });

export const facebookConfig = z
  .object({
    pageId: z
      .string()
      .refine((v) => NODE_ID.test(v) || ENV_REF.test(v), "must be the Page's numeric id, quoted (e.g. \"104523452345234\")")
      .register(z.globalRegistry, { description: 'Numeric id of the Facebook Page, quoted: "104523452345234" (Page → About → Page transparency, or the `id` from /me/accounts).' }),
    pageAccessToken: secretToken("a Page access token", "Page access token with pages_manage_posts, pages_read_engagement and pages_show_list, e.g. ${FACEBOOK_PAGE_TOKEN}. Made from a long-lived user token it never expires (README: Credentials). Secret."),
    apiVersion: z
      .string()
      .regex(/^v[0-9]{1,3}\.[0-9]{1,2}$/, 'must look like "v26.0"')
      .default(DEFAULT_API_VERSION)
      .register(z.globalRegistry, { description: `Graph API version in every path, e.g. "${DEFAULT_API_VERSION}" (the default). crier check warns 90 days before it retires.` }),
    apiBase: z
      .url({ protocol: /^https?$/ })
      .default(FACEBOOK_API_BASE)
      .register(z.globalRegistry, { description: "Graph API host; requests go to <apiBase>/<apiVersion>/…. Change only for a proxy or a test double." }),
    postAs: z
      .enum(["link", "photo"])
      .default("link")
      .register(z.globalRegistry, { description: '"link": a post with the article link, whose preview Facebook builds from the article\'s Open Graph tags (default). "photo": the article\'s image as a photo post with the text and link as its caption; articles without an image go out as link posts.' }),
    appId: z
      .string()
      .refine((v) => NODE_ID.test(v) || ENV_REF.test(v), "must be the app's numeric id, quoted")
      .optional()
      .register(z.globalRegistry, { description: "Id of the Meta app the token belongs to. With appSecret: crier check reads the token's expiry (debug_token needs the app token), and every call carries appsecret_proof." }),
    appSecret: secretToken("the app secret (App settings → Basic)")
      .optional()
      .register(z.globalRegistry, { description: "App secret of that app, e.g. ${FACEBOOK_APP_SECRET}. Needed when the app requires appsecret_proof (\"Require App Secret\"). Secret." }),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if ((cfg.appId === undefined) !== (cfg.appSecret === undefined)) {
      ctx.addIssue({ code: "custom", path: [cfg.appId === undefined ? "appId" : "appSecret"], message: "appId and appSecret go together: set both or neither" });
    }
  });

export type FacebookConfig = z.infer<typeof facebookConfig>;
