import { defineScript, type RedisScript } from "../script/define-script.js";

// The token-bucket specification of @goggles/core (packages/core/src/limit/token-bucket.ts), in Lua.
//
// One string per key holds every limit of a request, packed as little-endian doubles (struct.pack: exact, and
// read and written with one GET and one SET each): `at` (ms), the tokens of each limit at `at` in the limiter's
// order, then `expiresAt`, the time the key's TTL was last set to end. A value without `expiresAt` (written by
// an earlier version) is read with the TTL unknown; a value of another size (the limiter's limits changed)
// counts as full buckets.
//
// Expiry: a key must outlive the moment its buckets are full again (`full`), and should not linger long after.
// A write sets the TTL (`PX`) only when `full` has moved past `expiresAt`, and then to `full` plus a margin of
// max(1 s, 1/8 of the time left until `full`); otherwise it keeps the TTL (`KEEPTTL`), which costs Redis much
// less than a new one. So a key expires between `full` and `full` + that margin.
//
// ARGV: now ("" → Redis TIME), n, then n × (capacity, refillPerMs), then one cost per key, or a single cost
// for every key.

const PRELUDE = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local n = tonumber(ARGV[2])
local eps = 1e-9
local caps, rates = {}, {}
for i = 1, n do
  caps[i] = tonumber(ARGV[1 + 2 * i])
  rates[i] = tonumber(ARGV[2 + 2 * i])
end
-- One cost for every key, or nil when each key has its own (ARGV[2n + 2 + k]).
local sharedCost = nil
if #ARGV == 2 * n + 3 then sharedCost = tonumber(ARGV[2 * n + 3]) end
local layout = '<' .. string.rep('d', n + 2)
local size = 8 * (n + 2)
local legacySize = 8 * (n + 1)
-- Refilled tokens of every bucket of a key at t = max(at, now), and when its TTL ends (-1: unknown);
-- has = whether the key has state.
local function refill(key)
  local value = redis.call('GET', key)
  local avail = {}
  if value and (#value == size or #value == legacySize) then
    local state = {struct.unpack(string.sub(layout, 1, #value / 8 + 1), value)}
    local at = state[1]
    local expiresAt = -1
    if #value == size then expiresAt = state[n + 2] end
    local t = now
    if at > now then t = at end
    for i = 1, n do
      local a = state[i + 1] + (t - at) * rates[i]
      if a > caps[i] then a = caps[i] end
      avail[i] = a
    end
    return true, t, avail, expiresAt
  end
  for i = 1, n do avail[i] = caps[i] end
  return false, now, avail, -1
end
-- When a key whose buckets are full again at time full should expire, given when its TTL ends now.
local function expiry(t, full, expiresAt)
  if full <= expiresAt then return expiresAt end
  local margin = (full - t) / 8
  if margin < 1000 then margin = 1000 end
  return full + margin
end
-- SET with the TTL ending at time ends: kept when it already does (ends == expiresAt), else set anew.
local function put(key, value, t, ends, expiresAt)
  if ends == expiresAt then
    redis.call('SET', key, value, 'KEEPTTL')
  else
    redis.call('SET', key, value, 'PX', math.ceil(ends - t))
  end
end
-- Writes the state, keeping the TTL when it still outlasts the buckets (see the header).
local function store(key, t, tokens, expiresAt)
  local full = t
  for i = 1, n do
    local when = t + (caps[i] - tokens[i]) / rates[i]
    if when > full then full = when end
  end
  local ends = expiry(t, full, expiresAt)
  local values = {t}
  for i = 1, n do values[i + 1] = tokens[i] end
  values[n + 2] = ends
  put(key, struct.pack(layout, unpack(values)), t, ends, expiresAt)
end
`;

/**
 * How the consume script replies, per key: `allowed (1|0)` then each limit's `left`.
 * - `bytes`: one bulk string, per key one byte and n little-endian doubles (`struct.pack`), read with
 *   `RedisClient.runForBytes`: nothing to format in Redis, nothing to parse in Node.
 * - `integers`: an array of integers, each `left` as two (m · 2^53, e) with value m · 2^e (`math.frexp`), for
 *   drivers that cannot answer bytes: Lua numbers leave a script truncated to integers, and 17 formatted
 *   digits cost Redis more than this.
 */
export type ConsumeReply = "bytes" | "integers";

const REPLIES: Record<ConsumeReply, string> = {
  bytes: `
local decisionLayout = '<B' .. string.rep('d', n)
local function decided(out, allowed, a) out[#out + 1] = struct.pack('<Bd', allowed, a) end
local function decidedAll(out, allowed, avail) out[#out + 1] = struct.pack(decisionLayout, allowed, unpack(avail)) end
local function finish(out) return table.concat(out) end
`,
  integers: `
local TWO_53 = 9007199254740992
local function push(out, x)
  local m, e = math.frexp(x)
  out[#out + 1] = m * TWO_53
  out[#out + 1] = e
end
local function decided(out, allowed, a) out[#out + 1] = allowed; push(out, a) end
local function decidedAll(out, allowed, avail)
  out[#out + 1] = allowed
  for i = 1, n do push(out, avail[i]) end
end
local function finish(out) return out end
`,
};

function consumeSource(reply: ConsumeReply): string {
  return `${PRELUDE}${REPLIES[reply]}
local out = {}
if n == 1 then
  -- One limit (the common case): the same arithmetic without a table per key.
  local cap, rate = caps[1], rates[1]
  local slack = eps * cap
  for k = 1, #KEYS do
    local key = KEYS[k]
    local cost = sharedCost or tonumber(ARGV[4 + k])
    local value = redis.call('GET', key)
    local t, a, expiresAt = now, cap, -1
    if value and (#value == 24 or #value == 16) then
      local at, tokens
      if #value == 24 then
        at, tokens, expiresAt = struct.unpack('<ddd', value)
      else
        at, tokens = struct.unpack('<dd', value)
      end
      if at > now then t = at end
      a = tokens + (t - at) * rate
      if a > cap then a = cap end
    end
    if a < cost - slack then
      decided(out, 0, a)
    else
      a = a - cost
      if cost > 0 then
        local stored = a
        if stored < 0 then stored = 0 end
        local ends = expiry(t, t + (cap - stored) / rate, expiresAt)
        put(key, struct.pack('<ddd', t, stored, ends), t, ends, expiresAt)
      end
      decided(out, 1, a)
    end
  end
  return finish(out)
end
for k = 1, #KEYS do
  local cost = sharedCost or tonumber(ARGV[2 * n + 2 + k])
  local has, t, avail, expiresAt = refill(KEYS[k])
  local allowed = 1
  for i = 1, n do
    if avail[i] < cost - eps * caps[i] then allowed = 0 end
  end
  if allowed == 1 then
    for i = 1, n do avail[i] = avail[i] - cost end
    if cost > 0 then
      local stored = {}
      for i = 1, n do
        stored[i] = avail[i]
        if stored[i] < 0 then stored[i] = 0 end
      end
      store(KEYS[k], t, stored, expiresAt)
    end
  end
  decidedAll(out, allowed, avail)
end
return finish(out)
`;
}

/**
 * Decides one request per key (KEYS[k]): all buckets of a key are charged, or none. Replies per key
 * `allowed` and each limit's `left`, in the form its name gives (`ConsumeReply`).
 */
export const consumeScripts: Record<ConsumeReply, RedisScript> = {
  bytes: defineScript(consumeSource("bytes"), { name: "goggles-limiter-consume" }),
  integers: defineScript(consumeSource("integers"), { name: "goggles-limiter-consume-integers" }),
};

/** Gives `cost` (ARGV[2n + 3]) back to every bucket of KEYS[1], never above capacity; a full key is deleted. */
export const refundScript = defineScript(
  `${PRELUDE}
local cost = sharedCost
local has, t, avail, expiresAt = refill(KEYS[1])
if not has then return 0 end
local full = true
for i = 1, n do
  avail[i] = avail[i] + cost
  if avail[i] >= caps[i] then avail[i] = caps[i] else full = false end
end
if full then
  redis.call('DEL', KEYS[1])
else
  store(KEYS[1], t, avail, expiresAt)
end
return 1
`,
  { name: "goggles-limiter-refund" },
);
