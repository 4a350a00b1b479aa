/**
 * Which top-level command an argv runs, read before commander sees it: `src/cli.ts` then defines
 * that command alone (building every command and option cost each command ~8 ms of CPU). When in
 * doubt it says so (undefined), and the whole program is defined: help, an unknown command, an
 * option it does not know before the command, each reaches commander as before.
 */

/** The root options that take a value (`-c PATH`, `--config PATH`, `-cPATH`, `--config=PATH`). */
const VALUE_OPTIONS = new Set(["-c", "--config"]);

/** The command `args` (argv after the script) names, when it is one of `names`; else undefined. Pure. */
export function commandInArgv(args: readonly string[], names: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (VALUE_OPTIONS.has(arg)) {
      i++; // its value, whatever it looks like (commander takes it so too)
      continue;
    }
    if (arg.startsWith("--config=") || (arg.startsWith("-c") && !arg.startsWith("--"))) continue;
    if (arg.startsWith("-")) return undefined; // --help, --version, `--`, an unknown option: commander decides
    return names.has(arg) ? arg : undefined;
  }
  return undefined;
}
