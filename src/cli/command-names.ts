/**
 * The top-level commands src/cli.ts defines (a test keeps the two lists equal). The entry reads
 * the command from argv with them before the CLI loads: each command has a code cache of its own
 * (./code-cache.ts).
 */
export const COMMAND_NAMES: ReadonlySet<string> = new Set([
  "run",
  "poll",
  "preview",
  "deliveries",
  "retry",
  "validate",
  "resolve",
  "destinations",
  "resume",
  "subscriptions",
  "prune",
  "feeds",
  "feed",
  "adapters",
  "check",
  "unpost",
]);
