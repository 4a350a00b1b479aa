import type { FeedItem, Limits, Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import { graphemeLength } from "../../src/text/graphemes.js";
import type { ConsoleConfig } from "./config.js";

export interface ConsolePayload {
  text: string;
  link: string | null;
  title: string;
}

export const CONSOLE_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n{hashtags}";

export function consoleLimits(cfg: ConsoleConfig): Limits {
  return { maxLength: cfg.maxLength, unit: "graphemes", source: "default" };
}

/** Pure. */
export function renderConsole(item: FeedItem, _cfg: ConsoleConfig, limits: Limits, template: string): Rendered<ConsolePayload> {
  const text = fitTemplate(template, itemFields(item, item.link ?? ""), {
    escape: (s) => s,
    measure: graphemeLength,
    maxLength: limits.maxLength,
  });
  return { payload: { text, link: item.link, title: item.title }, preview: text, length: graphemeLength(text), limits };
}
