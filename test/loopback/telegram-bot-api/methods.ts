// The Bot API methods the loopback server implements: getMe, sendMessage, sendPhoto, deleteMessage.
// Each rule cites a section of https://core.telegram.org/bots/api, read 2026-12-06 (Bot API 10.2
// of July 14, 2026), by its anchor after '#'. Error descriptions are the ones the real server sends
// ("Bad Request: chat not found", ...).
import { sequentialIds } from "../harness-ids.js";
import { secondsUntil, WindowLimiter } from "../harness-limits.js";
import { EntityParseError, parseHtml, type Entity } from "./html.js";
import { imageInfo } from "./image.js";
import { ApiError, badRequest, boolParam, intParam, jsonParam, stringParam, type Params } from "./params.js";
import type { BotApiCall, LoopbackChat, StoredMessage, TelegramLoopbackOptions } from "./types.js";

const DELETE_WINDOW = 48 * 3_600_000;
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export class BotApiState {
  readonly messages: StoredMessage[] = [];
  /** #message message_id: "Unique message identifier inside this chat": numbered per chat from 1 (loopback choice). */
  private readonly messageIds = sequentialIds();
  /**
   * Flood control per chat, in a rolling minute: https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
   * (read 2026-12-06): "your bot will not be able to send more than 20 messages per minute to the
   * same group"; beyond it a 429 with retry_after (#responseparameters). Only accepted posts count.
   */
  private readonly flood: WindowLimiter | undefined;
  private readonly photos = new Map<string, { bytes: Buffer; width: number; height: number }>();
  readonly now: () => number;

  constructor(readonly opts: TelegramLoopbackOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.rateLimitPerMinute !== undefined) this.flood = new WindowLimiter({ limit: opts.rateLimitPerMinute, windowMs: 60_000, mode: "sliding" });
  }

  /** Dispatch by name. "All methods in the Bot API are case-insensitive." (#making-requests) */
  call(method: string, req: BotApiCall): unknown {
    switch (method.toLowerCase()) {
      case "getme":
        return this.getMe(req.token);
      case "sendmessage":
        return this.sendMessage(req);
      case "sendphoto":
        return this.sendPhoto(req);
      case "deletemessage":
        return this.deleteMessage(req.params);
      default:
        throw new ApiError(404, "Not Found");
    }
  }

  /** #getme: "Returns basic information about the bot in form of a User object." (#user) */
  getMe(token: string): Record<string, unknown> {
    const id = Number(token.split(":")[0]);
    return {
      id,
      is_bot: true,
      first_name: "Loopback Bot",
      username: `loopback_${id}_bot`,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }

  /** #sendmessage */
  sendMessage(req: BotApiCall): Record<string, unknown> {
    const p = req.params;
    const raw = stringParam(p, "text") ?? "";
    // #sendmessage: text "Text of the message to be sent, 1-4096 characters after entities parsing"
    if (raw === "") throw badRequest("message text is empty");
    const { text, entities } = formatText(raw, p, "entities");
    const linkPreviewOptions = parseLinkPreviewOptions(p);
    const chat = this.resolveChat(p);
    if (text.length === 0) throw badRequest("message text is empty");
    if (text.length > 4096) throw badRequest("message is too long"); // UTF-16 units = JS length (#messageentity)
    const result: Record<string, unknown> = { text };
    if (entities.length > 0) result.entities = entities;
    if (linkPreviewOptions !== undefined) result.link_preview_options = linkPreviewOptions;
    const stored: Partial<StoredMessage> = { text, entities };
    if (linkPreviewOptions !== undefined) stored.linkPreviewOptions = linkPreviewOptions;
    return this.accept(chat, req, stored, result);
  }

  /** #sendphoto */
  sendPhoto(req: BotApiCall): Record<string, unknown> {
    const p = req.params;
    const photo = this.resolvePhoto(req);
    const rawCaption = stringParam(p, "caption") ?? "";
    const { text: caption, entities } = rawCaption === "" ? { text: "", entities: [] } : formatText(rawCaption, p, "caption_entities");
    const chat = this.resolveChat(p);
    // #sendphoto: caption "0-1024 characters after entities parsing"
    if (caption.length > 1024) throw badRequest("message caption is too long");
    // #photosize: file_id, file_unique_id, width, height, file_size
    const size = { file_id: photo.fileId, file_unique_id: photo.fileId.slice(-16), width: photo.width, height: photo.height, file_size: photo.bytes.length };
    const result: Record<string, unknown> = { photo: [size] };
    if (caption !== "") result.caption = caption;
    if (entities.length > 0) result.caption_entities = entities;
    if (boolParam(p, "show_caption_above_media")) result.show_caption_above_media = true;
    if (boolParam(p, "has_spoiler")) result.has_media_spoiler = true;
    const stored: Partial<StoredMessage> = { entities, photo: { bytes: photo.bytes, width: photo.width, height: photo.height } };
    if (caption !== "") stored.caption = caption;
    return this.accept(chat, req, stored, result);
  }

  /** #deletemessage: chat_id and message_id required; "Returns True on success." */
  deleteMessage(p: Params): boolean {
    const chat = this.resolveChat(p);
    const id = intParam(p, "message_id");
    if (id === undefined) throw badRequest("message identifier is not specified");
    const msg = this.messages.find((m) => m.chatId === chat.id && m.messageId === id && !m.deleted);
    if (!msg) throw badRequest("message to delete not found");
    // #deletemessage: "A message can only be deleted if it was sent less than 48 hours ago."
    if (this.now() - msg.receivedAt >= DELETE_WINDOW) throw badRequest("message can't be deleted");
    msg.deleted = true;
    return true;
  }

  /** #sendmessage chat_id: "Unique identifier for the target chat or username of the target channel (in the format @channelusername)" */
  private resolveChat(p: Params): LoopbackChat {
    const raw = p.chat_id;
    if (raw === undefined || raw === null || raw === "") throw badRequest("chat_id is empty");
    const s = String(raw).trim();
    let chat: LoopbackChat | undefined;
    if (/^-?\d+$/.test(s)) chat = this.opts.chats.find((c) => c.id === Number(s));
    else if (s.startsWith("@") && s.length > 1) {
      const name = s.slice(1).toLowerCase();
      chat = this.opts.chats.find((c) => c.username?.replace(/^@/, "").toLowerCase() === name);
    }
    if (!chat) throw badRequest("chat not found");
    return chat;
  }

  /** #sendphoto photo: InputFile (multipart upload) or String (file_id or HTTP URL); #sending-files */
  private resolvePhoto(req: BotApiCall): { bytes: Buffer; width: number; height: number; fileId: string } {
    const ref = stringParam(req.params, "photo");
    const attached = ref?.startsWith("attach://") ? req.files[ref.slice("attach://".length)] : undefined;
    const upload = req.files.photo ?? attached;
    if (upload) {
      // #sending-files: "10 MB max size for photos"; #sendphoto: "The photo must be at most 10 MB in size."
      if (upload.bytes.length === 0) throw badRequest("file must be non-empty");
      if (upload.bytes.length > MAX_PHOTO_BYTES) throw badRequest("file is too big");
      const info = imageInfo(upload.bytes);
      if (!info) throw badRequest("IMAGE_PROCESS_FAILED");
      // #sendphoto: "width and height must not exceed 10000 in total. Width and height ratio must be at most 20."
      const { width, height } = info;
      if (width + height > 10_000 || Math.max(width, height) > 20 * Math.max(1, Math.min(width, height))) {
        throw badRequest("PHOTO_INVALID_DIMENSIONS");
      }
      const fileId = `AgACAgLoopback${String(this.photos.size + 1).padStart(8, "0")}${Date.now().toString(36)}`;
      this.photos.set(fileId, { bytes: upload.bytes, width, height });
      return { bytes: upload.bytes, width, height, fileId };
    }
    if (ref === undefined || ref === "") throw badRequest("there is no photo in the request");
    const known = this.photos.get(ref);
    if (known) return { ...known, fileId: ref }; // #sending-files: resending by file_id
    // #sending-files: "Provide Telegram with an HTTP URL for the file to be sent." The loopback has
    // no network, so the URL is recorded but not fetched: no bytes, width/height 0.
    if (/^https?:\/\/[^\s/]+/i.test(ref)) return { bytes: Buffer.alloc(0), width: 0, height: 0, fileId: `AgACAgLoopbackUrl${this.photos.size}` };
    throw badRequest("wrong file identifier/HTTP URL specified");
  }

  /** Flood control (ResponseParameters.retry_after, #responseparameters), then store and build the Message (#message). */
  private accept(chat: LoopbackChat, req: BotApiCall, stored: Partial<StoredMessage>, content: Record<string, unknown>) {
    const now = this.now();
    const room = this.flood?.take(String(chat.id), now);
    if (room && !room.allowed) {
      const retryAfter = secondsUntil(room.resetAt, now);
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    const messageId = Number(this.messageIds(String(chat.id)));
    const date = Math.floor(now / 1000); // #message date: "Date the message was sent in Unix time"
    this.messages.push({ entities: [], ...stored, chatId: chat.id, messageId, date, receivedAt: now, deleted: false, raw: req });
    const chatObject = chatJson(chat);
    const message: Record<string, unknown> = { message_id: messageId };
    // #message sender_chat / from: channel posts are sent on behalf of the channel; elsewhere the bot is the sender.
    if (chat.type === "channel") message.sender_chat = chatObject;
    else message.from = this.getMe(req.token);
    Object.assign(message, { date, chat: chatObject }, content);
    if (boolParam(req.params, "protect_content")) message.has_protected_content = true; // #message has_protected_content
    return message;
  }
}

/** #chat: id, type, title (groups/supergroups/channels), username, first_name (private chats). */
function chatJson(chat: LoopbackChat): Record<string, unknown> {
  const out: Record<string, unknown> = { id: chat.id };
  if (chat.type === "private") out.first_name = chat.title ?? "Loopback User";
  else if (chat.title !== undefined) out.title = chat.title;
  if (chat.username !== undefined) out.username = chat.username.replace(/^@/, "");
  out.type = chat.type;
  return out;
}

/**
 * #formatting-options: parse_mode "HTML" is parsed (#html-style). "MarkdownV2" and "Markdown" are
 * documented modes the loopback does not parse: the text is kept verbatim with no entities (the
 * mode stays visible in the recorded request). Without parse_mode, the JSON-serialized entities
 * list "can be specified instead of parse_mode" (#sendmessage entities, #sendphoto caption_entities).
 */
function formatText(raw: string, p: Params, entitiesName: string): { text: string; entities: Entity[] } {
  // #making-requests: "All queries must be made using UTF-8." (lone surrogates cannot be UTF-8)
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(raw)) throw badRequest("text must be encoded in UTF-8");
  const mode = (stringParam(p, "parse_mode") ?? "").toLowerCase();
  if (mode === "html") {
    try {
      return parseHtml(raw);
    } catch (err) {
      if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.reason}`);
      throw err;
    }
  }
  if (mode === "markdownv2" || mode === "markdown") return { text: raw, entities: [] };
  if (mode !== "") throw badRequest("unsupported parse_mode");
  const given = jsonParam(p, entitiesName);
  if (given === undefined) return { text: raw, entities: [] };
  if ("invalid" in given || !Array.isArray(given.value)) throw badRequest(`can't parse ${entitiesName} JSON object`);
  const entities = given.value.map((e: unknown): Entity => {
    const o = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
    const ok = typeof o.type === "string" && Number.isInteger(o.offset) && Number.isInteger(o.length);
    if (!ok) throw badRequest("can't parse MessageEntity: type, offset and length are required");
    return o as unknown as Entity;
  });
  return { text: raw, entities };
}

/** #linkpreviewoptions: is_disabled, url, prefer_small_media, prefer_large_media, show_above_text (all optional). */
function parseLinkPreviewOptions(p: Params): Record<string, unknown> | undefined {
  const given = jsonParam(p, "link_preview_options");
  if (given === undefined) return undefined;
  if ("invalid" in given) throw badRequest("can't parse link preview options JSON object");
  const v = given.value;
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw badRequest("object expected as link preview options");
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, type] of [["is_disabled", "boolean"], ["url", "string"], ["prefer_small_media", "boolean"], ["prefer_large_media", "boolean"], ["show_above_text", "boolean"]] as const) {
    if (o[field] === undefined) continue;
    if (typeof o[field] !== type) throw badRequest(`can't parse link preview options: field "${field}" must be of type ${type === "boolean" ? "Boolean" : "String"}`);
    out[field] = o[field];
  }
  return out;
}
