import { z } from "zod";
import { SECRET } from "../../src/core/index.js";

/** The official API origin; any other `apiBase` (a proxy, the loopback test server) is rewritten to. */
export const OFFICIAL_API_BASE = "https://api.x.com";

/** `${NAME}` references are resolved after the first (structural) parse, so they must pass it. */
const ENV_REF = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

function isApiBase(value: string): boolean {
  if (ENV_REF.test(value)) return true;
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.search && !url.hash && !url.username;
  } catch {
    return false;
  }
}

const secret = (what: string) =>
  z.string().min(1).register(z.globalRegistry, { ...SECRET, description: `${what}. A secret: write it as \`\${ENV_VAR}\` rather than in the file.` });

export const xConfig = z
  .object({
    appKey: secret("API Key (consumer key) of the X developer app"),
    appSecret: secret("API Key Secret (consumer secret) of the X developer app"),
    accessToken: secret("Access Token of the posting account, generated with Read and write permission"),
    accessSecret: secret("Access Token Secret of the posting account"),
    apiBase: z
      .string()
      .default(OFFICIAL_API_BASE)
      .refine(isApiBase, "must be an http(s) URL without query, fragment or credentials")
      .register(z.globalRegistry, { description: "Where API requests go. Leave the default; tests and proxies set another origin (http:// allowed)." }),
    username: z
      .string()
      .refine((v) => ENV_REF.test(v) || /^@?[A-Za-z0-9_]{1,15}$/.test(v), "must be an X handle (letters, digits, _; at most 15)")
      .transform((v) => v.replace(/^@/, ""))
      .optional()
      .register(z.globalRegistry, { description: "Handle of the posting account, for post URLs (https://x.com/<username>/status/<id>). Without it: https://x.com/i/web/status/<id>." }),
  })
  .strict();

export type XConfig = z.infer<typeof xConfig>;
