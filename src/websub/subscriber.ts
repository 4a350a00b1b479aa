/**
 * WebSub subscriber (W3C Recommendation, https://www.w3.org/TR/websub/): subscribes to the hub a
 * feed names (§4 discovery, §5.1 subscription request), answers the hub's verification of intent
 * only for subscriptions it asked for (§5.3), renews leases before they run out, and hands each
 * authenticated content distribution (§7, §7.1 X-Hub-Signature) to the same pipeline a poll uses.
 * Polling continues as a slow safety net while a subscription is active.
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { request, type Dispatcher } from "../core/http.js";
import { createGuardedAgent, privateAddressRefusal } from "../net/address-guard.js";
import type { Feed } from "../config/load.js";
import type { WebSubSettings } from "../config/schema.js";
import type { SubscriptionStore, WebSubSubscription } from "../store/subscriptions.js";
import { checkSignature, subscriptionSecret } from "./signature.js";

/** A feed document as its hub pushed it (content distribution, §7). */
export interface PushedDocument {
  body: Buffer;
  contentType: string | null;
  /** The topic URL (base for relative links). */
  url: string;
}

/** What became of a pushed update, as far as the subscriber logs it. */
export interface PushOutcome {
  status: string;
  new?: number;
  queued?: number;
}

/** What a fetch found of a feed's hub (§4): hub URLs in order, and the feed's self URL (the topic). */
export interface HubLinks {
  readonly hubs: readonly string[];
  readonly self: string | null;
}

/** What the subscriber needs of the running service (given by `crier run`'s composition). */
export interface WebSubHost {
  store: SubscriptionStore;
  logger: Logger;
  now: () => number;
  userAgent: string;
  feeds: readonly Feed[];
  /** Processes a pushed document now (parse, select new, record); "notified": fetch the feed now. */
  acceptPushed: (feedId: string, content: PushedDocument | "notified") => Promise<PushOutcome>;
  /** New deliveries were queued: deliver them. */
  onQueued: () => void;
  /** Scrubs secret values from text that is logged or stored. */
  scrub: (text: string) => string;
  /** `network.allowPrivateAddresses`: off, a hub (or its redirect) on a non-public address is never asked. */
  allowPrivateAddresses: boolean;
}

/** Why a (un)subscription request failed: the hub's answer, or Crier's address guard (nothing was sent). */
type HubFailure = { by: "hub" | "guard"; error: string };

/** A hub that said no is asked again less often than one that failed or did not answer. */
const DENIED_RETRY_FACTOR = 4;

export class WebSubSubscriber {
  /** feed id -> lease end, for active subscriptions (read on every poll). */
  private readonly active = new Map<string, number>();
  /** feed id -> its one timer: the renewal of an active lease, or the retry of a subscription that is not active. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  /** Hub requests go through the address guard: the hub is named by a feed, not by the operator. */
  private readonly dispatcher: Dispatcher;
  private dispatcherClosed: Promise<void> | null = null;

  constructor(
    private readonly config: WebSubSettings,
    private readonly host: WebSubHost,
  ) {
    this.dispatcher = createGuardedAgent({ allowPrivateAddresses: host.allowPrivateAddresses, keepAliveTimeout: 4_000 });
  }

  private get log(): Logger {
    return this.host.logger;
  }

  /** Loads stored subscriptions, schedules renewals, and unsubscribes feeds no longer configured for WebSub. */
  async start(): Promise<void> {
    const wanted = new Map(this.host.feeds.filter((f) => f.enabled && f.websub).map((f) => [f.id, f]));
    for (const sub of await this.host.store.listSubscriptions()) {
      if (!wanted.has(sub.feedId)) {
        if (sub.state === "active" || sub.state === "requested") this.track(this.unsubscribe(sub));
        else if (sub.state !== "unsubscribed") await this.host.store.putSubscription({ ...sub, state: "unsubscribed" });
        continue;
      }
      if (sub.state === "active" && sub.expiresAt && sub.expiresAt > this.host.now()) {
        this.active.set(sub.feedId, sub.expiresAt);
        this.scheduleRenewal(sub);
      } else if (this.retryDue(sub)) {
        this.track(this.subscribe(sub.feedId, sub.hub, sub.topic, sub.callbackId));
      } else {
        this.scheduleRetry(sub);
      }
    }
  }

  /** For the poller: how often a feed its hub pushes is still polled; null when it has no active subscription. */
  safetyNetMs(feedId: string): number | null {
    const until = this.active.get(feedId);
    return until !== undefined && until > this.host.now() ? this.config.safetyNetPollMs : null;
  }

  /** What a fetch said of the feed's hub (§4): subscribe, or move to a new hub or topic. */
  discovered(feed: Feed, links: HubLinks): void {
    if (this.closed || !feed.websub || !feed.enabled) return;
    const hub = links.hubs[0];
    if (!hub) return;
    // §4: the topic is the self URL; without one, the URL we fetch is the best we have.
    const topic = links.self ?? (feed.source.kind === "http" ? feed.source.url : null);
    if (!topic) return;
    this.track(
      (async () => {
        const sub = await this.host.store.getSubscription(feed.id);
        const same = sub !== null && sub.hub === hub && sub.topic === topic;
        if (same && !this.retryDue(sub)) return;
        // A new hub or topic gets a new callback: the old hub's pushes then meet a 410 and it drops them.
        await this.subscribe(feed.id, hub, topic, same ? sub.callbackId : undefined);
      })().catch((err: unknown) => this.log.error({ feed: feed.id, err }, "WebSub: could not subscribe")),
    );
  }

  /** True when a stored subscription needs asking for (again) now. */
  private retryDue(sub: WebSubSubscription): boolean {
    const now = this.host.now();
    switch (sub.state) {
      case "active":
        return !sub.expiresAt || sub.expiresAt - this.config.renewBeforeSeconds * 1000 <= now;
      case "requested":
      case "failed":
      case "denied":
        return now - sub.requestedAt >= this.retryInterval(sub);
      case "unsubscribing":
      case "unsubscribed":
        return true;
    }
  }

  private retryInterval(sub: WebSubSubscription): number {
    return sub.state === "denied" ? DENIED_RETRY_FACTOR * this.config.retryMs : this.config.retryMs;
  }

  /** The feed's one timer (a renewal or a retry), replacing the one it had. */
  private setTimer(feedId: string, waitMs: number, run: () => void): void {
    clearTimeout(this.timers.get(feedId));
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(feedId);
      run();
    }, Math.min(Math.max(0, waitMs), 2 ** 31 - 1));
    timer.unref();
    this.timers.set(feedId, timer);
  }

  /** §5.1: asks the hub; the subscription becomes active when the hub's verification (§5.3) arrives. */
  async subscribe(feedId: string, hub: string, topic: string, callbackId = randomBytes(18).toString("base64url")): Promise<void> {
    // Asking now supersedes a pending renewal or retry; the verification (or the retry) sets the next timer.
    clearTimeout(this.timers.get(feedId));
    this.timers.delete(feedId);
    const previous = await this.host.store.getSubscription(feedId);
    const now = this.host.now();
    // Recorded before asking: the hub may verify before its answer to our request arrives.
    const sub: WebSubSubscription = {
      feedId, hub, topic, callbackId,
      state: previous?.state === "active" && previous.hub === hub && previous.topic === topic ? "active" : "requested",
      leaseSeconds: previous?.leaseSeconds ?? null,
      expiresAt: previous?.hub === hub && previous.topic === topic ? previous.expiresAt : null,
      requestedAt: now,
      verifiedAt: previous?.verifiedAt ?? null,
      lastPushAt: previous?.lastPushAt ?? null,
      lastError: null,
    };
    await this.host.store.putSubscription(sub);
    const failure = await this.askHub(sub, "subscribe");
    if (failure) {
      const { error } = failure;
      if (failure.by === "guard") this.log.warn({ feed: feedId, hub, error }, "WebSub: not subscribing: the hub is on a non-public address; polling continues");
      else this.log.warn({ feed: feedId, hub, error }, "WebSub: the hub refused the subscription; polling continues");
      const current = await this.host.store.getSubscription(feedId);
      // A renewal that fails keeps the lease it has; a new subscription is marked failed.
      if (current && current.state !== "active") await this.host.store.putSubscription({ ...current, state: "failed", lastError: error });
      else if (current) await this.host.store.putSubscription({ ...current, lastError: error });
      this.scheduleRetry(sub);
      return;
    }
    this.log.info({ feed: feedId, hub, topic }, "WebSub: subscription requested; waiting for the hub's verification");
    // Unless the hub has verified already (its renewal timer is set), ask again if it never does.
    if (!this.timers.has(feedId)) this.scheduleRetry(sub);
  }

  /**
   * Asks again when the retry of a subscription that is not (or no longer surely) active is due:
   * by a timer, since a feed that only answers 304 never shows its hub again.
   */
  private scheduleRetry(sub: WebSubSubscription): void {
    this.setTimer(sub.feedId, sub.requestedAt + this.retryInterval(sub) - this.host.now(), () =>
      this.track(
        (async () => {
          const current = await this.host.store.getSubscription(sub.feedId);
          const feed = this.host.feeds.find((f) => f.id === sub.feedId);
          if (this.closed || !current || current.callbackId !== sub.callbackId || !feed?.enabled || !feed.websub) return;
          if (current.state === "unsubscribing" || current.state === "unsubscribed") return;
          if (!this.retryDue(current)) {
            // Verified meanwhile: its renewal. Otherwise the timer fired a little early (timers and
            // the wall clock differ by a millisecond or so), or the row changed: wait again.
            if (current.state === "active") this.scheduleRenewal(current);
            else this.scheduleRetry(current);
            return;
          }
          this.log.info({ feed: current.feedId, hub: current.hub, state: current.state }, "WebSub: asking the hub again");
          await this.subscribe(current.feedId, current.hub, current.topic, current.callbackId);
        })().catch((err: unknown) => this.log.error({ feed: sub.feedId, err }, "WebSub: could not subscribe again")),
      ),
    );
  }

  /** §5.1 unsubscribe: the row is removed when the hub verifies the intent. */
  private async unsubscribe(sub: WebSubSubscription): Promise<void> {
    await this.host.store.putSubscription({ ...sub, state: "unsubscribing", requestedAt: this.host.now() });
    this.active.delete(sub.feedId);
    const failure = await this.askHub(sub, "unsubscribe");
    if (failure) this.log.warn({ feed: sub.feedId, hub: sub.hub, error: failure.error }, failure.by === "guard" ? "WebSub: not unsubscribing: the hub is on a non-public address" : "WebSub: the hub refused to unsubscribe");
  }

  /**
   * POSTs a (un)subscription request, following a hub's 307 or 308 redirect (at most 3: both keep
   * the method and body). Returns why it failed, or null when a hub accepted it (2xx). The hub the
   * feed names stays the one asked first, so that discovery keeps recognising the subscription.
   * Every hop goes through the address guard (at connect time, on the address connected to).
   */
  private async askHub(sub: WebSubSubscription, mode: "subscribe" | "unsubscribe"): Promise<HubFailure | null> {
    const form = new URLSearchParams({
      "hub.mode": mode,
      "hub.topic": sub.topic,
      "hub.callback": this.callbackUrl(sub.callbackId),
    });
    const secret = subscriptionSecret(this.config.secret, sub.callbackId);
    if (mode === "subscribe") {
      form.set("hub.lease_seconds", String(this.config.leaseSeconds));
      form.set("hub.secret", secret);
    }
    // A hub may echo what it was sent: its answer is logged and stored without our secret.
    const clean = (text: string): string => this.host.scrub(text.split(secret).join("[secret]"));
    const hubSaid = (error: string): HubFailure => ({ by: "hub", error: clean(error) });
    let target = sub.hub;
    try {
      for (let hop = 0; ; hop++) {
        const response = await request(target, {
          dispatcher: this.dispatcher,
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": this.host.userAgent },
          body: form.toString(),
          headersTimeout: this.config.timeoutMs,
          bodyTimeout: this.config.timeoutMs,
        });
        const location = response.headers.location;
        if ((response.statusCode === 307 || response.statusCode === 308) && typeof location === "string") {
          await response.body.dump();
          const next = URL.canParse(location, target) ? new URL(location, target) : null;
          if (!next || !/^https?:$/.test(next.protocol)) return hubSaid(`HTTP ${response.statusCode} from the hub to an unusable location`);
          if (hop >= 2) return hubSaid(`HTTP ${response.statusCode} from the hub: more than 3 redirects`);
          target = next.href;
          continue;
        }
        const text = (await response.body.text()).slice(0, 300).trim();
        if (response.statusCode >= 200 && response.statusCode < 300) return null;
        return hubSaid(`HTTP ${response.statusCode} from ${target === sub.hub ? "the hub" : `the hub at ${new URL(target).host}`}${text ? `: ${text}` : ""}`);
      }
    } catch (err) {
      const refused = privateAddressRefusal(err);
      if (refused) {
        const via = target === sub.hub ? "" : ` (redirected to ${target})`;
        const error = `refused to ask the hub ${sub.hub}${via} named by feed ${sub.feedId}: ${refused.message}; nothing was sent. If the hub is on your own network, set network.allowPrivateAddresses: true`;
        return { by: "guard", error: this.host.scrub(error) };
      }
      return hubSaid(`the hub could not be reached: ${(err as Error).message}`);
    }
  }

  callbackUrl(callbackId: string): string {
    return `${this.config.publicUrl.replace(/\/+$/, "")}/websub/${callbackId}`;
  }

  private scheduleRenewal(sub: WebSubSubscription): void {
    if (!sub.expiresAt) {
      clearTimeout(this.timers.get(sub.feedId));
      return;
    }
    // Renew ahead of the lease; never sooner than half the lease, for hubs that grant short ones.
    const lease = sub.expiresAt - (sub.verifiedAt ?? this.host.now());
    const ahead = Math.min(this.config.renewBeforeSeconds * 1000, lease / 2);
    this.setTimer(sub.feedId, sub.expiresAt - ahead - this.host.now(), () =>
      this.track(this.subscribe(sub.feedId, sub.hub, sub.topic, sub.callbackId).catch((err: unknown) => this.log.error({ feed: sub.feedId, err }, "WebSub: renewal failed"))),
    );
  }

  /**
   * Routes on the shared listener: GET for verification of intent, POST for content distribution.
   * In a plugin scope of their own, where every media type (JSON and text included) stays raw bytes:
   * the signature (§7.1) is over those bytes, and the feed pipeline parses them. Other routes keep
   * fastify's own parsers.
   */
  register(server: FastifyInstance): void {
    void server.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser("*", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
      scope.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>("/websub/:id", (req, reply) => this.verify(req, reply));
      scope.post<{ Params: { id: string } }>("/websub/:id", (req, reply) => this.receive(req, reply));
    });
  }

  /** §5.3: echo the challenge only for a subscription we asked for, for that topic and mode. */
  private async verify(req: FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>, reply: FastifyReply): Promise<void> {
    const q = req.query;
    const mode = q["hub.mode"];
    const topic = q["hub.topic"];
    const sub = await this.host.store.getSubscriptionByCallback(req.params.id);
    if (mode === "denied") {
      // §5.2: the hub refused (now or later); polling carries on.
      if (sub && sub.topic === topic) {
        const denied: WebSubSubscription = { ...sub, state: "denied", lastError: this.host.scrub(`denied by the hub: ${q["hub.reason"] ?? "no reason given"}`) };
        await this.host.store.putSubscription(denied);
        this.active.delete(sub.feedId);
        this.scheduleRetry(denied);
        this.log.warn({ feed: sub.feedId, hub: sub.hub, reason: q["hub.reason"] }, "WebSub: the hub denied the subscription; polling continues");
      }
      return void reply.code(200).send();
    }
    const challenge = q["hub.challenge"];
    const expected =
      sub && sub.topic === topic && challenge &&
      ((mode === "subscribe" && (sub.state === "requested" || sub.state === "active")) || (mode === "unsubscribe" && sub.state === "unsubscribing"));
    if (!sub || !expected) {
      this.log.warn({ callback: req.params.id, mode, topic }, "WebSub: refused a verification we did not ask for");
      return void reply.code(404).type("text/plain").send("no such subscription request");
    }
    const now = this.host.now();
    if (mode === "unsubscribe") {
      await this.host.store.putSubscription({ ...sub, state: "unsubscribed", expiresAt: null, lastError: null });
      this.active.delete(sub.feedId);
      clearTimeout(this.timers.get(sub.feedId));
      this.log.info({ feed: sub.feedId, hub: sub.hub }, "WebSub: unsubscribed");
    } else {
      const lease = Number(q["hub.lease_seconds"]);
      const leaseSeconds = Number.isInteger(lease) && lease > 0 ? lease : this.config.leaseSeconds;
      const verified: WebSubSubscription = { ...sub, state: "active", leaseSeconds, expiresAt: now + leaseSeconds * 1000, verifiedAt: now, lastError: null };
      await this.host.store.putSubscription(verified);
      this.active.set(sub.feedId, verified.expiresAt ?? now);
      this.scheduleRenewal(verified);
      this.log.info({ feed: sub.feedId, hub: sub.hub, leaseSeconds }, "WebSub: subscription verified");
    }
    reply.code(200).type("text/plain").send(challenge);
  }

  /** §7: a pushed update. Authenticated (§7.1) or ignored; answered at once, processed after. */
  private async receive(req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<void> {
    const sub = await this.host.store.getSubscriptionByCallback(req.params.id);
    if (!sub || sub.state === "denied" || sub.state === "unsubscribed") {
      // 410: §7 lets the hub drop a subscription whose callback is gone.
      return void reply.code(410).send();
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const check = checkSignature(req.headers["x-hub-signature"], body, subscriptionSecret(this.config.secret, sub.callbackId));
    if (!check.ok) {
      // §7.1: MUST ignore; MAY acknowledge with 2xx (answering the same either way tells a forger nothing).
      this.log.warn({ feed: sub.feedId, hub: sub.hub, reason: check.reason }, "WebSub: ignored a pushed update that failed authentication");
      return void reply.code(202).send();
    }
    reply.code(202).send();
    const contentType = typeof req.headers["content-type"] === "string" ? req.headers["content-type"] : null;
    this.track(this.process(sub, body, contentType));
  }

  private async process(sub: WebSubSubscription, body: Buffer, contentType: string | null): Promise<void> {
    try {
      // A hub that sends no body only says the feed changed: fetch it ourselves.
      const report = await this.host.acceptPushed(sub.feedId, body.length ? { body, contentType, url: sub.topic } : "notified");
      const current = await this.host.store.getSubscription(sub.feedId);
      if (current) await this.host.store.putSubscription({ ...current, lastPushAt: this.host.now() });
      this.log.info({ feed: sub.feedId, status: report?.status, new: report?.new ?? 0, queued: report?.queued ?? 0 }, "WebSub: pushed update processed");
      if (report?.queued) this.host.onQueued();
    } catch (err) {
      this.log.error({ feed: sub.feedId, err }, "WebSub: could not process a pushed update");
    }
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
  }

  /** Stops renewals and waits for work in flight (subscriptions stay with the hub until their lease ends). */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    this.dispatcherClosed ??= this.dispatcher.close();
    await this.dispatcherClosed;
  }
}
