// Posts endpoints of X API v2 (pages read 2026-11-27):
//   POST   /2/tweets      https://docs.x.com/x-api/posts/create-post
//                         (body: JSON, "requires ... at least text or media":
//                          https://docs.x.com/x-api/posts/manage-tweets/quickstart)
//   DELETE /2/tweets/:id  https://developer.x.com/en/docs/twitter-api/tweets/manage-tweets/api-reference/delete-tweets-id
//                         (200 {"data":{"deleted":true}}; only the authenticated user's own Posts)
//   GET    /2/users/me    https://docs.x.com/x-api/users/user-lookup-me
// Text length: 280 weighted characters, URLs count 23, counted by twitter-text:
//   https://docs.x.com/resources/fundamentals/counting-characters
import twitterText from "twitter-text";
import type { MediaUploads } from "./media.js";
import {
  duplicateContent,
  emptyTweet,
  forbidden,
  invalidMediaIds,
  invalidRequest,
  resourceNotFound,
  textTooLong,
  unknownField,
  wrongType,
} from "./problems.js";
import type { Reply, StoredTweet, XLoopbackUser } from "./types.js";

const ID_PATTERN = /^[0-9]{1,19}$/;

/** Top-level members of the documented POST /2/tweets request body. */
const TWEET_FIELDS = new Set([
  "card_uri", "community_id", "direct_message_deep_link", "edit_options", "for_super_followers_only", "geo",
  "media", "nullcast", "poll", "quote_tweet_id", "reply", "reply_settings", "share_with_followers", "text",
]);
const MEDIA_FIELDS = new Set(["media_ids", "tagged_user_ids"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

export class Posts {
  constructor(
    private readonly tweets: StoredTweet[],
    private readonly media: MediaUploads,
    /** Ids as X makes them: the harness's snowflakeIds(X_SNOWFLAKE). */
    private readonly nextId: () => string,
  ) {}

  create(userId: string, contentType: string, json: unknown): Reply {
    if (!/^application\/json/i.test(contentType) || json === undefined) {
      return invalidRequest([{ message: "Request body must be a JSON object." }]);
    }
    if (!isObject(json)) return wrongType("$", jsonType(json), "object");
    for (const key of Object.keys(json)) if (!TWEET_FIELDS.has(key)) return unknownField(`$.${key}`);
    const { text, media } = json;
    if (text !== undefined && typeof text !== "string") return wrongType("$.text", jsonType(text), "string");

    let mediaIds: string[] = [];
    if (media !== undefined) {
      if (!isObject(media)) return wrongType("$.media", jsonType(media), "object");
      for (const key of Object.keys(media)) if (!MEDIA_FIELDS.has(key)) return unknownField(`$.media.${key}`);
      const ids = media.media_ids;
      if (!Array.isArray(ids)) return wrongType("$.media.media_ids", jsonType(ids), "array");
      if (ids.length < 1 || ids.length > 4) {
        return invalidRequest([{ message: "$.media.media_ids: there must be a minimum of 1 items and a maximum of 4 items in the array" }]);
      }
      for (const [i, id] of ids.entries()) {
        if (typeof id !== "string" || !ID_PATTERN.test(id)) {
          return invalidRequest([{ message: `$.media.media_ids[${i}]: does not match the regex pattern ^[0-9]{1,19}$` }]);
        }
      }
      mediaIds = ids as string[];
    }

    const body = text ?? "";
    if (body.trim() === "" && mediaIds.length === 0) return emptyTweet();
    if (body !== "") {
      const parsed = twitterText.parseTweet(body);
      if (parsed.weightedLength > 280) return textTooLong(body);
      if (!parsed.valid && body.trim() !== "") {
        return invalidRequest([{ parameters: { text: [body] }, message: "Your Tweet text contains invalid characters." }]);
      }
    }
    const unusable = mediaIds.filter((id) => !this.media.usableBy(userId, id));
    if (unusable.length > 0) return invalidMediaIds(mediaIds);
    if (body !== "" && this.tweets.some((t) => t.userId === userId && !t.deleted && t.text === body)) {
      return duplicateContent();
    }

    const id = this.nextId();
    this.tweets.push({ id, userId, text: body, mediaIds: [...mediaIds], createdAt: Date.now(), deleted: false });
    return { status: 201, body: { data: { id, text: body, edit_history_tweet_ids: [id] } } };
  }

  delete(userId: string, id: string): Reply {
    if (!ID_PATTERN.test(id)) {
      return invalidRequest([{ parameters: { id: [id] }, message: `The \`id\` query parameter value [${id}] does not match ^[0-9]{1,19}$` }]);
    }
    const tweet = this.tweets.find((t) => t.id === id && !t.deleted);
    if (!tweet) return resourceNotFound("tweet", "id", id);
    if (tweet.userId !== userId) return forbidden("You are not allowed to delete a Tweet that is not your own.");
    tweet.deleted = true;
    return { status: 200, body: { data: { deleted: true } } };
  }
}

export function me(user: XLoopbackUser): Reply {
  return { status: 200, body: { data: { id: user.id, name: user.name ?? user.username, username: user.username } } };
}
