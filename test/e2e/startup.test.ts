/**
 * A command loads only what it uses (the built CLI, every module it loads recorded, and which of
 * the bundle's modules it initialised, from V8's coverage): help, validate and the listings never
 * load a platform client, the HTTP client or the feed parser; a poll loads the parser only for a
 * changed feed. Crier's own code comes as one bundle (not a file per module), a command that renders
 * nothing builds no grapheme segmenter, and a read-only command compiles no statement that writes.
 * And no command sets a V8 flag at run time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, runCli, writeConfig, type CliResult } from "../support/cli.js";
import { runChild } from "../support/children.js";
import { scaled } from "../support/timing.js";
import { buildRss, newsItems } from "../support/rss.js";

const RECORDER = path.join(ROOT, "test/support/record-loads.mjs");
const SDKS = ["telegraf", "twitter-api-v2", "masto", "@atproto/api", "undici", "sharp", "fastify", "pino-pretty"];
const PARSER = ["rss-parser", "xml2js", "sax", "html-to-text", "htmlparser2", "iconv-lite", "chardet"];

let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Runs the CLI with the recorder; the packages it loaded and the V8 flags it set. */
async function recorded(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; packages: Set<string>; flags: string[]; own: string[]; initialised: Set<string>; segmenters: string[]; sql: string[]; compiledFromText: string[]; importedCommonJs: string[]; esmLoaded: string[]; builtins: string[]; zodSchemas: number; commands: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-loads-"));
  dirs.push(dir);
  const log = path.join(dir, "loads.txt");
  writeFileSync(log, "");
  const coverage = path.join(dir, "coverage");
  const r = await runCli(args, { env: { NODE_OPTIONS: `--import=${RECORDER}`, CRIER_LOAD_LOG: log, NODE_V8_COVERAGE: coverage } });
  const lines = readFileSync(log, "utf8").split("\n");
  const packages = new Set(lines.flatMap((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(l)?.slice(1, 2) ?? []));
  // Files of dist/ loaded: by the ESM loader (a URL) or by require (a path).
  const distUrl = pathToFileURL(path.join(ROOT, "dist")).href;
  const distPath = path.join(ROOT, "dist");
  const own = [...new Set(lines.flatMap((l) => (l.startsWith(`load ${distUrl}/`) ? [l.slice(`load ${distUrl}/`.length)] : l.startsWith(`load ${distPath}/`) ? [l.slice(`load ${distPath}/`.length)] : [])))];
  const tagged = (tag: string): string[] => lines.filter((l) => l.startsWith(`${tag} `)).map((l) => l.slice(tag.length + 1));
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, packages, flags: tagged("v8-flags"), own, initialised: initialisedModules(coverage), segmenters: tagged("intl-segmenter"), sql: tagged("sql"), compiledFromText: tagged("function-from-text"), importedCommonJs: [...new Set(tagged("esm-commonjs"))].map((u) => u.replace(/^.*\/node_modules\//, "")), esmLoaded: tagged("esm-load"), builtins: tagged("node-builtin"), zodSchemas: Number(tagged("zod-schemas").at(-1) ?? NaN), commands: tagged("commander-command") };
}

/**
 * The source files (relative to the project) of the bundle's modules the process initialised, from
 * V8's coverage (NODE_V8_COVERAGE): esbuild wraps each module the bundle loads lazily in a function
 * named after its file, and a module whose function never ran was never initialised.
 */
function initialisedModules(coverageDir: string): Set<string> {
  const modules = new Set<string>();
  let wrapped = 0;
  for (const file of readdirSync(coverageDir)) {
    const { result } = JSON.parse(readFileSync(path.join(coverageDir, file), "utf8")) as { result: Array<{ url: string; functions: Array<{ functionName: string; ranges: Array<{ count: number }> }> }> };
    for (const script of result.filter((s) => s.url.endsWith("/dist/src/crier.cjs"))) {
      for (const fn of script.functions) {
        if (!/^(src|adapters)\/.+\.ts$/.test(fn.functionName)) continue;
        wrapped++;
        if ((fn.ranges[0]?.count ?? 0) > 0) modules.add(fn.functionName);
      }
    }
  }
  // Nothing wrapped (a process that never loaded the bundle: --help) is an empty set; a bundle whose modules all run eagerly would fail the tests below.
  return wrapped ? modules : new Set();
}

/** The platforms whose adapter code (adapters/<platform>/) these sources include. */
const adapterFolders = (sources: Set<string>): string[] => [...new Set([...sources].flatMap((s) => /^adapters\/([^/]+)\//.exec(s)?.slice(1, 2) ?? []))].sort();

/**
 * A feed file and a config; `telegram`: a Telegram destination too (never polled: it would post);
 * `unrouted`: a second feed with no route (a warning the config gives on every opening).
 */
function setup(telegram: boolean, unrouted = false): { config: string; feed: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "crier-startup-"));
  dirs.push(dir);
  const feed = path.join(dir, "feed.xml");
  writeFileSync(feed, buildRss(newsItems(3)));
  const { config } = writeConfig(
    `storage: { path: ${path.join(dir, "crier.db")} }
feeds:
  - id: news
    url: ${feed}
${unrouted ? `  - id: idle
    url: ${feed}
` : ""}destinations:
  - id: out
    platform: console
    output: stderr
    file: ${path.join(dir, "posts.jsonl")}
${telegram ? `  - id: tg
    platform: telegram
    botToken: "123:abc"
    chatId: "@news"
` : ""}routes:
  - feed: news
    to: [out${telegram ? ", tg" : ""}]
`,
    dir,
  );
  return { config, feed };
}

type Recorded = Awaited<ReturnType<typeof recorded>>;

let storeCommandRuns: Promise<Array<{ name: string; r: Recorded }>> | undefined;

/**
 * The four commands that open the config and the store — validate, deliveries, feeds and a poll
 * of the unchanged feed — each run once with the recorder on a store an earlier poll seeded; shared
 * by the tests that each check one thing of those runs (recorded once: ~5 processes, not ~35).
 */
function storeCommands(): Promise<Array<{ name: string; r: Recorded }>> {
  storeCommandRuns ??= (async () => {
    const { config } = setup(true);
    expect((await recorded(["-c", config, "poll", "--once"])).code).toBe(0); // seeds the store: the next poll finds the feed unchanged
    const runs: Array<{ name: string; r: Recorded }> = [];
    for (const args of [["-c", config, "validate"], ["-c", config, "deliveries"], ["-c", config, "feeds"], ["-c", config, "poll", "--once"]]) {
      const r = await recorded(args);
      expect(r.code, args.join(" ")).not.toBe(1);
      runs.push({ name: args.slice(2).join(" "), r });
    }
    return runs;
  })();
  return storeCommandRuns;
}

describe("start-up: a command loads what it uses", () => {
  it("--help loads no package and not the program: the entry prints the help the build rendered", async () => {
    const r = await recorded(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: crier/);
    // Commander alone cost --help ~40 ms of CPU, as much as the rest of Node's start-up.
    expect([...r.packages]).toEqual([]);
    expect(r.own).toEqual(["src/cli.js"]);
    expect([...r.initialised]).toEqual([]);
    // Nor the code cache's start (src/cli/start.ts): no hashing, no vm.
    expect(r.builtins.filter((m) => m === "crypto" || m === "vm"), "help").toEqual([]);
  });

  it("validate and deliveries load no platform client, HTTP client or parser", async () => {
    const { config } = setup(true);
    for (const args of [["-c", config, "validate"], ["-c", config, "deliveries"], ["-c", config, "destinations"]]) {
      const r = await recorded(args);
      expect(r.code, args.join(" ")).not.toBe(1);
      for (const name of [...SDKS, ...PARSER, "yaml"]) expect(r.packages, `${args[2]} loaded ${name}`).not.toContain(name);
      expect(r.packages, args[2]).toContain("zod");
    }
  });

  it("a poll parses a changed feed without loading another platform's client, and sets no V8 flag", async () => {
    const { config, feed } = setup(false);
    const first = await recorded(["-c", config, "poll", "--once", "--json"]);
    expect(first.packages).toContain("rss-parser");
    expect(first.flags).toEqual([]);
    for (const name of ["telegraf", "twitter-api-v2", "masto", "@atproto/api", "sharp", "fastify"]) expect(first.packages, name).not.toContain(name);
    writeFileSync(feed, buildRss(newsItems(4)));
    const second = await recorded(["-c", config, "poll", "--once", "--json"]);
    expect(second.flags).toEqual([]);
    expect(JSON.parse(second.stdout).feeds[0]).toMatchObject({ feedId: "news", status: "parsed", new: 1, queued: 1 });
  });

  it("a command initialises the adapters its config names and no other (validate, deliveries, poll)", async () => {
    const { config } = setup(true);
    for (const args of [["-c", config, "validate"], ["-c", config, "deliveries"], ["-c", config, "destinations"]]) {
      const r = await recorded(args);
      expect(r.code, args[2]).not.toBe(1);
      expect(adapterFolders(r.initialised), args[2]).toEqual(["console", "telegram"]);
    }
    const consoleOnly = setup(false);
    const poll = await recorded(["-c", consoleOnly.config, "poll", "--once", "--json"]);
    expect(poll.code).toBe(0);
    expect(JSON.parse(poll.stdout).feeds[0]).toMatchObject({ feedId: "news", status: "parsed" });
    expect(adapterFolders(poll.initialised)).toEqual(["console"]);
  });

  it("loading the config compiles no code from text: each schema parses once, zod's eval-compiled fast path would not pay", async () => {
    for (const { name, r } of await storeCommands()) {
      // zod probes once whether it may compile at all (an empty function); nothing else.
      expect(r.compiledFromText, name).toEqual(['""']);
    }
  });

  it("loading the config builds each field's schema once: no copy to carry a description, checks and strictness built once (validate, deliveries, feeds, poll)", async () => {
    for (const { name, r } of await storeCommands()) {
      // The config's schemas, console's and telegram's: 669 with `.describe()` copies, a copy per check and per `.strict()`;
      // 355 with every section's schema built; ~130 with only the sections the file has (storage, feeds, destinations, routes)
      // and only the seldom-written fields its entries have (none here).
      expect(r.zodSchemas, name).toBeGreaterThan(100);
      expect(r.zodSchemas, name).toBeLessThanOrEqual(150);
    }
  });

  it("CommonJS packages load by require, never by import: Node would lex each one's source for export names (validate, deliveries, feeds, poll)", async () => {
    for (const { name, r } of await storeCommands()) {
      // ipaddr.js (38 KB) by import made V8 optimise the lexer: ~280M instructions, a fifth of validate.
      // commander too: its ESM wrapper only imports its index.js, which is required instead.
      expect(r.importedCommonJs, name).toEqual([]);
    }
  });

  it("packages load by require, their CommonJS builds (the code cache holds those): none through the ESM loader (validate, deliveries, feeds, poll)", async () => {
    for (const { name, r } of await storeCommands()) {
      expect(r.packages, name).toContain("zod");
      // zod's ~230 modules were read by async file handles and linked by promise jobs: ~10 ms of CPU more than require.
      expect(r.esmLoaded.filter((url) => url.includes("/node_modules/")), name).toEqual([]);
      // The only ES module of Crier's is the entry; the program is the CommonJS bundle.
      expect(r.esmLoaded.filter((url) => url.includes("/dist/")), name).toEqual([pathToFileURL(path.join(ROOT, "dist/src/cli.js")).href]);
      expect(r.own, name).toContain("src/crier.cjs");
    }
  });

  it("the listings initialise nothing that polls or sends: no intake, no delivery service", async () => {
    const { config } = setup(true);
    expect((await recorded(["-c", config, "poll", "--once"])).code).toBe(0); // creates and seeds the store
    for (const command of ["deliveries", "feeds", "destinations", "subscriptions"]) {
      const r = await recorded(["-c", config, command]);
      expect(r.code, command).not.toBe(1);
      expect(r.stdout, command).not.toBe("");
      const sources = [...r.initialised];
      expect(sources.filter((s) => /^src\/(intake|scheduler|websub|http)\/|^src\/services\/(intake|delivery|operations|run)\.ts$/.test(s)), command).toEqual([]);
      // Of delivery/, only the destinations' pause states (`crier destinations` shows them).
      expect(sources.filter((s) => s.startsWith("src/delivery/")).sort(), command).toEqual(["src/delivery/destination-states.ts", "src/delivery/pause.ts"]);
    }
  });

  it("a listing with nothing to warn about makes no logger (pino is not loaded); one with a warning still logs it", async () => {
    const { config } = setup(true);
    expect((await recorded(["-c", config, "poll", "--once"])).code).toBe(0); // creates and seeds the store
    for (const command of ["deliveries", "feeds", "destinations"]) {
      const r = await recorded(["-c", config, command]);
      expect(r.code, command).not.toBe(1);
      expect(r.stdout, command).not.toBe("");
      // The logger was ~30 files of pino and its construction (redaction paths, the destination stream).
      expect(r.packages, command).not.toContain("pino");
      expect(r.stderr, command).toBe("");
    }
    const warned = setup(true, true);
    const r = await recorded(["-c", warned.config, "deliveries"]);
    expect(r.code).toBe(0);
    expect(r.packages).toContain("pino");
    const lines = r.stderr.trim().split("\n").map((l) => JSON.parse(l) as { msg: string; warning?: string });
    expect(lines).toEqual([expect.objectContaining({ msg: "config: should change", warning: expect.stringContaining("feed idle has no route") })]);
    // A destination the config pauses (its secret missing from the environment) is said too.
    writeFileSync(warned.config, readFileSync(warned.config, "utf8").replace('"123:abc"', '"${CRIER_STARTUP_MISSING_TOKEN}"').replace(/  - id: idle\n    url: .*\n/, ""));
    const paused = await recorded(["-c", warned.config, "feeds"]);
    expect(paused.code).toBe(0);
    expect(paused.stderr.trim().split("\n").map((l) => JSON.parse(l) as { msg: string; destination?: string })).toEqual([expect.objectContaining({ msg: "destination paused by its config", destination: "tg" })]);
  });

  it("opening the store names SQLite's addon by its path: no package searches for it (validate, deliveries, feeds, poll)", async () => {
    for (const { name, r } of await storeCommands()) {
      expect(r.packages, name).toContain("better-sqlite3");
      // `bindings` finds its caller from a stack trace, then tries the addon's build folders one by one.
      expect(r.packages, name).not.toContain("bindings");
    }
  });

  it("crier adapters still lists every installed platform", async () => {
    const r = await recorded(["adapters", "--json"]);
    expect(r.code).toBe(0);
    const platforms = (JSON.parse(r.stdout) as Array<{ platform: string }>).map((a) => a.platform);
    expect(platforms).toEqual(["console", "bluesky", "discord", "facebook", "instagram", "linkedin", "mastodon", "slack", "telegram", "threads", "tiktok", "x"]);
  });

  it("Crier's own code loads as the bundle: a handful of files, not one per module", async () => {
    const { config } = setup(true);
    const help = await recorded(["--help"]);
    expect(help.own, "help").toEqual(["src/cli.js"]);
    for (const args of [["-c", config, "validate"], ["-c", config, "deliveries"]]) {
      const r = await recorded(args);
      expect(r.code, args[2]).not.toBe(1);
      // tsc's output is one file per module (~130 for validate, ~180 for deliveries): none of it is loaded.
      expect(r.own, args[2]).toEqual(["src/cli.js", "src/start.cjs", "src/crier.cjs"]);
      // And the bundle initialises a command's modules, not all of them (validate: ~55 of ~220).
      expect(r.initialised.size, args[2]).toBeGreaterThan(20);
      expect(r.initialised.size, args[2]).toBeLessThan(120);
    }
  });

  it("help, validate and the listings build no grapheme segmenter (ICU's break rules: only rendering needs them)", async () => {
    const { config } = setup(true);
    for (const args of [["--help"], ["-c", config, "validate"], ["-c", config, "deliveries"], ["-c", config, "feeds"]]) {
      const r = await recorded(args);
      expect(r.code, args.join(" ")).not.toBe(1);
      expect(r.segmenters, args.join(" ")).toEqual([]);
    }
  });

  it("a command's run defines that command alone in commander; help, an unknown command or a mistake before it still get the whole program", async () => {
    const { config } = setup(true);
    expect((await recorded(["-c", config, "poll", "--once"])).commands).toEqual(["poll"]); // creates and seeds the store
    for (const args of [["-c", config, "validate"], ["--config", config, "deliveries"], [`--config=${config}`, "feeds"], ["-c", config, "poll", "--once"]]) {
      const r = await recorded(args);
      expect(r.code, args.join(" ")).not.toBe(1);
      expect(r.commands, args.join(" ")).toEqual([args.at(-1) === "--once" ? "poll" : args.at(-1)]);
    }
    const list = await recorded(["-c", config, "feed", "list", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: "news" })]);
    expect(list.commands).toEqual(["feed", "list", "resume", "accept"]);
    // The whole program, and commander's messages and exit codes from it (the suggestion needs every name).
    const everyCommand = ["run", "poll", "preview", "deliveries", "retry", "validate", "resolve", "destinations", "resume", "subscriptions", "prune", "feeds", "feed", "list", "resume", "accept", "adapters", "check", "unpost"];
    const unknown = await recorded(["-c", config, "feds"]);
    expect(unknown).toMatchObject({ code: 2, stdout: "" });
    expect(unknown.stderr).toContain("unknown command 'feds'\n(Did you mean feeds?)");
    expect(unknown.commands).toEqual(everyCommand);
    const before = await recorded(["--bogus", "feeds"]);
    expect(before).toMatchObject({ code: 2, stderr: "error: unknown option '--bogus'\n" });
    expect(before.commands).toEqual(everyCommand);
  });

  it("no command loads perf_hooks: the lease's start time and the store's recheck clock come from process.uptime() (validate, deliveries, feeds, poll)", async () => {
    for (const { name, r } of await storeCommands()) {
      expect(r.builtins, name).toContain("fs");
      // The first use of the global `performance` loaded perf_hooks and its ten modules: ~2 ms of CPU.
      expect(r.builtins.filter((m) => /^perf_hooks$|^internal\/perf\/performance$/.test(m)), name).toEqual([]);
    }
  });

  it("Node's own modules come by process.getBuiltinModule, not an ES import: no lazy export of node:fs or node:net is loaded (validate, deliveries, feeds, poll)", async () => {
    for (const { name, r } of await storeCommands()) {
      // An import of node:fs built its namespace from every export, loading fs.ReadStream's streams;
      // one of node:net, net.BlockList and net.SocketAddress (~5 ms in all). No command uses them.
      expect(r.builtins.filter((m) => ["internal/fs/streams", "internal/blocklist", "internal/socketaddress"].includes(m)), name).toEqual([]);
      // And what a poll of a file feed never needs: a resolver, a decompressor.
      expect(r.builtins.filter((m) => m === "dns" || m === "zlib"), name).toEqual([]);
    }
  });

  it("a read-only command compiles no statement that writes, and runs no migration", async () => {
    const { config } = setup(true);
    expect((await recorded(["-c", config, "poll", "--once"])).code).toBe(0); // creates and seeds the store
    for (const args of [["-c", config, "deliveries"], ["-c", config, "feeds"], ["-c", config, "destinations"], ["-c", config, "validate"]]) {
      const r = await recorded(args);
      expect(r.code, args[2]).not.toBe(1);
      expect(r.sql.filter((sql) => !/^(SELECT|PRAGMA [a-z_]+$)/i.test(sql)), args[2]).toEqual([]);
    }
  });
});

/** Renders through commander: the entry's prebuilt help switched off (the build renders with it too). */
const COMMANDER = { CRIER_NO_PREBUILT_HELP: "1" };

/** The commands a help text lists (its "Commands:" section), commander's own `help` aside. */
function listedCommands(help: string): string[] {
  const section = help.split("\nCommands:\n")[1]?.split("\n\n")[0] ?? "";
  return section.split("\n").flatMap((l) => /^  ([a-z][\w-]*)/.exec(l)?.slice(1, 2) ?? []).filter((n) => n !== "help");
}

/** `crier ARGS` rendered by commander (each argv run once per test file: they are the reference). */
const commanderRuns = new Map<string, Promise<CliResult>>();
function viaCommander(args: string[]): Promise<CliResult> {
  const key = JSON.stringify(args);
  if (!commanderRuns.has(key)) commanderRuns.set(key, runCli(args, { env: COMMANDER }));
  return commanderRuns.get(key)!;
}

/**
 * Every argv that asks for help, found from commander's own help texts: each command's --help and
 * -h; for a command with sub-commands (and the root) its bare name, `help`, and `help` + each below it.
 */
async function helpForms(): Promise<string[][]> {
  const commands: Array<{ at: string[]; group: boolean }> = [];
  const visit = async (at: string[]): Promise<void> => {
    const r = await viaCommander([...at, "--help"]);
    expect(r.code, `crier ${at.join(" ")} --help: ${r.stderr}`).toBe(0);
    const below = listedCommands(r.stdout);
    commands.push({ at, group: below.length > 0 });
    for (const name of below) await visit([...at, name]);
  };
  await visit([]);
  const under = (at: string[]): string[][] => commands.filter((c) => c.at.length > at.length && at.every((n, i) => c.at[i] === n)).map((c) => c.at.slice(at.length));
  return commands.flatMap(({ at, group }) => [[...at, "--help"], [...at, "-h"], ...(group ? [at, [...at, "help"], ...under(at).map((rest) => [...at, "help", ...rest])] : [])]);
}

/** `crier ARGS` in a pseudo-terminal COLUMNS wide (util-linux `script`): what an operator at a terminal sees. */
async function inTerminal(args: string[], columns: number, env: Record<string, string> = {}): Promise<CliResult> {
  const command = `stty cols ${columns}; exec ${[process.execPath, path.join(ROOT, "dist/src/cli.js"), ...args].map((a) => `'${a}'`).join(" ")}`;
  const r = await runChild("script", ["-qec", command, "/dev/null"], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env }, timeoutMs: scaled(30_000) });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}
const hasScript = (() => {
  try {
    return readdirSync("/usr/bin").includes("script");
  } catch {
    return false;
  }
})();

describe("start-up: help from the build, byte for byte commander's", () => {
  it("every help form prints what commander prints: same bytes, same stream, same exit code", async () => {
    const forms = await helpForms();
    expect(forms.length).toBeGreaterThan(40);
    // The build prebuilt exactly these: each is answered by the entry alone (see the load test above).
    const prebuilt = JSON.parse(readFileSync(path.join(ROOT, "dist/src/help.json"), "utf8")) as { forms: Array<{ args: string[] }> };
    expect(prebuilt.forms.map((f) => JSON.stringify(f.args)).sort()).toEqual(forms.map((f) => JSON.stringify(f)).sort());
    for (const args of forms) {
      const [prebuiltRun, commanderRun] = await Promise.all([runCli(args), viaCommander(args)]);
      expect(prebuiltRun, `crier ${args.join(" ")}`).toEqual(commanderRun);
      expect(prebuiltRun.stdout + prebuiltRun.stderr, `crier ${args.join(" ")}`).toMatch(/^Usage: crier/);
    }
  }, scaled(180_000));

  it.skipIf(!hasScript)("a terminal of another width gets commander's wrapping for it; one of 80 columns, the same text", async () => {
    for (const columns of [80, 100, 60]) {
      const [prebuiltRun, commanderRun] = await Promise.all([inTerminal(["--help"], columns), inTerminal(["--help"], columns, COMMANDER)]);
      expect(prebuiltRun.code).toBe(0);
      expect(prebuiltRun, `${columns} columns`).toEqual(commanderRun);
    }
    // 100 columns: the description fits on one line (at 80 it wraps).
    expect((await inTerminal(["--help"], 100)).stdout).toContain("Watches RSS/Atom feeds and posts every new article to social channels, exactly once.");
  });

  it("the help comes from each build: a description changed in the built program is in the help the build step writes", async () => {
    // A built CLI whose `poll` description changed (as a rebuild after an edit of src/cli.ts would give).
    const project = mkdtempSync(path.join(tmpdir(), "crier-help-"));
    dirs.push(project);
    symlinkSync(path.join(ROOT, "node_modules"), path.join(project, "node_modules"));
    const dist = path.join(project, "dist/src");
    for (const part of ["cli.js", "start.cjs", "crier.cjs"]) cpSync(path.join(ROOT, "dist/src", part), path.join(dist, part));
    const before = "Poll feeds once, deliver what is due, and exit.";
    const after = "Poll every feed once, deliver what is due, then exit (changed).";
    const program = path.join(dist, "crier.cjs");
    expect(readFileSync(program, "utf8")).toContain(JSON.stringify(before));
    writeFileSync(program, readFileSync(program, "utf8").replace(JSON.stringify(before), JSON.stringify(after)));
    // build.mjs's last step on that folder (cwd: the copy, so that nothing of this project's dist/ is touched).
    const step = await runChild(process.execPath, [path.join(ROOT, "build.mjs"), "help", dist], { cwd: project, env: { PATH: process.env.PATH ?? "" }, timeoutMs: scaled(120_000) });
    expect(step.code, step.stderr).toBe(0);
    const cli = path.join(dist, "cli.js");
    for (const args of [["--help"], ["poll", "--help"], ["help", "poll"]]) {
      const run = (env: Record<string, string>) => runChild(process.execPath, [cli, ...args], { cwd: project, env: { PATH: process.env.PATH ?? "", ...env }, timeoutMs: scaled(30_000) });
      const [prebuiltRun, commanderRun] = await Promise.all([run({}), run(COMMANDER)]);
      expect(prebuiltRun.stdout.replace(/\s+/g, " "), args.join(" ")).toContain(after);
      expect(prebuiltRun, args.join(" ")).toEqual(commanderRun);
    }
    // The text is the build's output only: nothing of it is in the repository.
    const tracked = await runChild("git", ["ls-files", "--", "*help.json", "dist"], { cwd: ROOT, env: { PATH: process.env.PATH ?? "" }, timeoutMs: scaled(30_000) });
    expect(tracked.stdout).toBe("");
  }, scaled(120_000));
});
