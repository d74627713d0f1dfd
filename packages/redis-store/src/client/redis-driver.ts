/**
 * A command argument: numbers are sent in their decimal form.
 *
 * @example
 * const args: RedisArg[] = [60_000, "reason"];
 */
export type RedisArg = string | number;

/**
 * Options of `SET`: `nx` only sets a missing key, `px` expires it after that many milliseconds.
 *
 * @example
 * await redis.set("lock:job", owner, { nx: true, px: 30_000 });
 */
export interface RedisSetOptions {
  /** Only set the key if it does not exist (`NX`). */
  nx?: boolean;
  /** Expire the key after this many milliseconds (`PX`). A positive integer. */
  px?: number;
}

/**
 * Called for every message on a subscribed channel (the channel as Redis knows it, with the prefix).
 *
 * @example
 * const onMessage: RedisMessageHandler = (channel, message) => console.log(channel, message);
 */
export type RedisMessageHandler = (channel: string, message: string) => void;

/**
 * A dedicated pub/sub connection made by a driver's `createSubscriber()`. The goggles layer owns it:
 * it subscribes, unsubscribes and closes it. Resubscribing after a reconnect is the driver's job
 * (ioredis `autoResubscribe`, node-redis always).
 *
 * @example
 * const sub = await driver.createSubscriber((channel, message) => console.log(channel, message));
 * await sub.subscribe("goggles:breaker");
 * await sub.close();
 */
export interface RedisSubscriberConnection {
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Closes the connection (gracefully if possible). */
  close(): Promise<void>;
}

/**
 * The few raw commands every goggles store needs, over one driver connection. `fromIoredis()` and
 * `fromNodeRedis()` make one from a client you own; implement it yourself to plug in another driver.
 * Methods reject with the driver's own errors; `redisClient()` turns them into typed goggles errors
 * (an error whose message starts with an upper-case code such as `NOSCRIPT` or `ERR` counts as a reply
 * from the server when the driver does not say otherwise, see `isReplyError`).
 *
 * Keys reach the driver already prefixed. Replies are passed through untouched (`redisClient()` parses them).
 *
 * @example
 * const driver: RedisDriver = fromIoredis(new Redis({ enableOfflineQueue: false }));
 * await driver.evalsha(sha, ["goggles:k"], [1]);
 */
export interface RedisDriver {
  /** A short name for messages and events: `"ioredis"`, `"node-redis"`, … */
  readonly name: string;
  evalsha(sha: string, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown>;
  eval(source: string, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown>;
  /**
   * `evalsha` answering bulk strings as bytes (a `Uint8Array`, e.g. a `Buffer`) instead of text, for scripts
   * that reply packed binary data. Optional: without it (and `evalBuffer`), such scripts use a text form.
   */
  evalshaBuffer?(sha: string, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown>;
  /** `eval` answering bulk strings as bytes; present exactly when `evalshaBuffer` is. */
  evalBuffer?(source: string, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown>;
  /** `SET key value [NX] [PX ms]`: the raw reply (`"OK"`, or `null` when `NX` found the key). */
  set(key: string, value: string, options?: RedisSetOptions): Promise<unknown>;
  get(key: string): Promise<unknown>;
  del(keys: readonly string[]): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  /** `TIME`: `[seconds, microseconds]` as the driver returns them. */
  time(): Promise<unknown>;
  /**
   * Opens a second connection for pub/sub (a `duplicate()` of the client) delivering every message to
   * `onMessage`, and reporting connection errors to `onError`. The caller owns and closes it.
   */
  createSubscriber(
    onMessage: RedisMessageHandler,
    onError: (error: unknown) => void,
  ): Promise<RedisSubscriberConnection>;
  /** Whether `error` is an error reply from the server rather than a connection failure. */
  isReplyError?(error: unknown): boolean;
}

/** `SET` arguments after the key and value. */
export function setArguments(options: RedisSetOptions | undefined): string[] {
  const args: string[] = [];
  if (options?.nx) args.push("NX");
  if (options?.px !== undefined) args.push("PX", String(options.px));
  return args;
}

/** The `EVAL`/`EVALSHA` tail: `numkeys key… arg…`, all as strings. */
export function scriptArguments(keys: readonly string[], args: readonly RedisArg[]): string[] {
  return [String(keys.length), ...keys, ...args.map(String)];
}

/**
 * Whether an error was produced by an error reply of the server: the drivers' reply classes
 * (ioredis `ReplyError`, node-redis `ErrorReply` and its subclasses), found by name along the prototype
 * chain so that duplicate driver installs still match.
 *
 * @example
 * const driver: RedisDriver = { ...myDriver, isReplyError: isDriverReplyError };
 */
export function isDriverReplyError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "ReplyError" || error.name === "ErrorReply") return true;
  for (let proto = Object.getPrototypeOf(error); proto && proto !== Error.prototype; ) {
    const name = (proto.constructor as { name?: unknown } | undefined)?.name;
    if (name === "ErrorReply" || name === "ReplyError") return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}
