const decoder = /* @__PURE__ */ new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
const encoder = /* @__PURE__ */ new TextEncoder();

/** What a provider learned while verifying, handed to `WebhookEvent`. */
export interface WebhookEventInit {
  readonly provider: string;
  /** The body exactly as received: bytes, or the string the caller passed. */
  readonly raw: string | Uint8Array;
  /** The delivery id, or a function that finds it in the verified payload (Stripe's event id). */
  readonly id: string | undefined | (() => string | undefined);
  /** The signed timestamp in seconds, when the provider signs one. */
  readonly timestamp: number | undefined;
  /** The signature that matched, as received (its encoded form): the replay key when there is no id. */
  readonly signature: string;
}

/**
 * A verified delivery: its id, signed timestamp, the raw body that was verified, and the payload parsed
 * lazily on first access. Nothing here was parsed before the signature matched.
 *
 * @example
 * const verdict = await verifyWebhook(stripe({ secret }), { body, headers });
 * if (verdict.ok) {
 *   const event = verdict.value.payload as Stripe.Event;
 *   console.log(verdict.value.id, verdict.value.timestamp);
 * }
 */
export class WebhookEvent<T = unknown> {
  /** The provider's name (`"stripe"`, `"github"`, …). */
  readonly provider: string;
  /** The signed timestamp in seconds since the epoch, for providers that sign one. */
  readonly timestamp: number | undefined;
  /** The signature that matched, as it was received. */
  readonly signature: string;
  #raw: string | Uint8Array;
  #id: string | undefined | (() => string | undefined);
  #idResolved: boolean;
  #text: string | undefined;
  #bytes: Uint8Array | undefined;
  #payload: { value: T } | undefined;

  constructor(init: WebhookEventInit) {
    this.provider = init.provider;
    this.timestamp = init.timestamp;
    this.signature = init.signature;
    this.#raw = init.raw;
    this.#id = init.id;
    this.#idResolved = typeof init.id !== "function";
  }

  /**
   * The provider's delivery id (`webhook-id`, `X-GitHub-Delivery`, `X-Shopify-Webhook-Id`, Stripe's event
   * id read from the verified payload), or `undefined` when the provider has none.
   */
  get id(): string | undefined {
    if (!this.#idResolved) {
      this.#idResolved = true;
      try {
        this.#id = (this.#id as () => string | undefined)();
      } catch {
        this.#id = undefined;
      }
    }
    return this.#id as string | undefined;
  }

  /** The key replay protection uses: the delivery id where there is one, else the signature. */
  get replayKey(): string {
    const id = this.id;
    return id === undefined ? `sig:${this.signature}` : `id:${id}`;
  }

  /** The verified body as bytes. */
  get body(): Uint8Array {
    if (this.#bytes === undefined)
      this.#bytes = typeof this.#raw === "string" ? encoder.encode(this.#raw) : this.#raw;
    return this.#bytes;
  }

  /** The verified body as text (UTF-8). */
  get text(): string {
    if (this.#text === undefined)
      this.#text = typeof this.#raw === "string" ? this.#raw : decoder.decode(this.#raw);
    return this.#text;
  }

  /** The body parsed as JSON on first access (throws `SyntaxError` if it is not JSON). */
  get payload(): T {
    if (this.#payload === undefined) this.#payload = { value: JSON.parse(this.text) as T };
    return this.#payload.value;
  }

  /** The body parsed as `application/x-www-form-urlencoded` (Twilio, Slack slash commands). */
  form(): URLSearchParams {
    return new URLSearchParams(this.text);
  }

  /** Never serializes the body by accident: only the metadata. */
  toJSON(): { provider: string; id: string | undefined; timestamp: number | undefined } {
    return { provider: this.provider, id: this.id, timestamp: this.timestamp };
  }
}
