import type { FeedItem, Limits, PostStyle, Rendered } from "../../src/core/index.js";
import { fitTemplate, itemFields } from "../../src/render/template.js";
import { graphemeLength } from "../../src/text/graphemes.js";
import type { ConsoleConfig } from "./config.js";

export interface ConsolePayload {
  text: string;
  link: string | null;
  title: string;
}

export const CONSOLE_DEFAULT_TEMPLATE = "{title}\n\n{summary}\n\n{link}\n{hashtags}";

export function consoleLimits(_cfg: ConsoleConfig): Limits {
  return { maxLength: 10_000, unit: "graphemes", source: "default" };
}

/** Pure. */
export function renderConsole(item: FeedItem, _cfg: ConsoleConfig, limits: Limits, style: PostStyle): Rendered<ConsolePayload> {
  const text = fitTemplate(style.template, itemFields(item, style), {
    escape: (s) => s,
    measure: graphemeLength,
    maxLength: limits.maxLength,
  });
  return { payload: { text, link: style.link, title: item.title }, preview: text, length: graphemeLength(text), limits };
}
