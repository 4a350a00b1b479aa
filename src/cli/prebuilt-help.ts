/**
 * `crier --help` without commander: `npm run build` renders every help form through the built CLI
 * (commander, stdout not a terminal: 80 columns) into dist/src/help.json; the entry (src/main.ts)
 * prints the text recorded for argv, when there is one, before anything else loads. Commander
 * alone costs ~40 ms of CPU, as much as the rest of Node's start-up.
 */
import { readFileSync } from "node:fs";

/** One argv that prints help: where the text goes and the exit code commander's path gives it. */
export interface HelpForm {
  args: string[];
  stream: "stdout" | "stderr";
  code: number;
  /** Index into `PrebuiltHelp.texts`. */
  text: number;
}

/** dist/src/help.json: the forms and their texts, rendered `width` columns wide. */
export interface PrebuiltHelp {
  width: number;
  forms: HelpForm[];
  texts: string[];
}

/** What a help form prints; `undefined`: argv is not one, or commander would render it differently. */
export interface HelpOutput {
  stream: "stdout" | "stderr";
  code: number;
  text: string;
}

/** The stream's width as commander reads it: its columns on a terminal, else 80. */
export const commanderWidth = (stream: { isTTY?: boolean; columns?: number }): number => (stream.isTTY ? stream.columns : undefined) ?? 80;

/** Whether `args` can be a help form at all (command names, `help`, -h, --help): `crier -c FILE poll --once` reads no help file. Pure. */
export const mayAskForHelp = (args: readonly string[]): boolean => args.every((a) => !a.startsWith("-") || a === "-h" || a === "--help");

/** The prebuilt output for `args` (argv after the script), if it was rendered at the width its stream has now. Pure. */
export function prebuiltHelpFor(help: PrebuiltHelp, args: readonly string[], widthOf: (stream: HelpForm["stream"]) => number): HelpOutput | undefined {
  const form = help.forms.find((f) => f.args.length === args.length && f.args.every((a, i) => a === args[i]));
  const text = form && help.texts[form.text];
  // Another width would wrap differently: commander renders that one.
  if (!form || text === undefined || widthOf(form.stream) !== help.width) return undefined;
  return { stream: form.stream, code: form.code, text };
}

/**
 * Prints the prebuilt help for `args` and sets the exit code; false when commander must run:
 * no such form, another terminal width, `CRIER_NO_PREBUILT_HELP` set (the build and the tests
 * render through commander with it), or no readable help file (a tsc-only dist/).
 */
export function printPrebuiltHelp(file: URL, args: readonly string[], env: NodeJS.ProcessEnv): boolean {
  if (env.CRIER_NO_PREBUILT_HELP || !mayAskForHelp(args)) return false;
  let help: PrebuiltHelp;
  try {
    help = JSON.parse(readFileSync(file, "utf8")) as PrebuiltHelp;
  } catch {
    return false;
  }
  const out = prebuiltHelpFor(help, args, (stream) => commanderWidth(process[stream]));
  if (!out) return false;
  const stream = process[out.stream];
  // `crier --help | head`: as in src/cli.ts, a reader that stops early is not an error of ours.
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    stream.destroy();
  });
  stream.write(out.text);
  process.exitCode = out.code;
  return true;
}
