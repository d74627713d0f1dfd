import { defineScript } from "../script/define-script.js";

// The token-bucket specification of @goggles/core (packages/core/src/limit/token-bucket.ts), in Lua.
// One hash per key: field "@" is `at` (ms), one field per limit name holds its tokens at `at`.
// Numbers are written with %.17g so that a round trip through Redis loses no precision.
//
// ARGV: now ("" → Redis TIME), n, then n × (name, capacity, refillPerMs), then one cost per key.

const PRELUDE = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local n = tonumber(ARGV[2])
local eps = 1e-9
local names, caps, rates = {}, {}, {}
local fields = {'@'}
for i = 1, n do
  names[i] = ARGV[3 * i]
  caps[i] = tonumber(ARGV[3 * i + 1])
  rates[i] = tonumber(ARGV[3 * i + 2])
  fields[i + 1] = names[i]
end
local function fmt(x) return string.format('%.17g', x) end
-- Refilled tokens of every bucket of a key at max(at, now); nil at when the key has no state.
local function refill(key)
  local vals = redis.call('HMGET', key, unpack(fields))
  local at = tonumber(vals[1])
  local t = now
  if at and at > now then t = at end
  local avail = {}
  for i = 1, n do
    local a = caps[i]
    if at then
      local tok = tonumber(vals[i + 1])
      if tok then
        a = tok + (t - at) * rates[i]
        if a > caps[i] then a = caps[i] end
      end
    end
    avail[i] = a
  end
  return at, t, avail
end
-- Writes the state, expiring the key (with a margin) once every bucket is full again.
local function store(key, t, tokens)
  local args = {'@', fmt(t)}
  local full = t
  for i = 1, n do
    args[#args + 1] = names[i]
    args[#args + 1] = fmt(tokens[i])
    local when = t + (caps[i] - tokens[i]) / rates[i]
    if when > full then full = when end
  end
  redis.call('HSET', key, unpack(args))
  redis.call('PEXPIRE', key, math.ceil(full - t) + 1000)
end
`;

/**
 * Decides one request per key (KEYS[k] with cost ARGV[3n + 2 + k]): all buckets of a key are charged, or
 * none. Replies, per key, `{ allowed (1|0), left[1], …, left[n] }` with `left` as strings (Lua numbers would
 * be truncated on the way out).
 */
export const consumeScript = defineScript(
  `${PRELUDE}
local out = {}
for k = 1, #KEYS do
  local cost = tonumber(ARGV[3 * n + 2 + k])
  local at, t, avail = refill(KEYS[k])
  local allowed = true
  for i = 1, n do
    if avail[i] < cost - eps * caps[i] then allowed = false end
  end
  local reply = {0}
  if allowed then
    reply[1] = 1
    for i = 1, n do avail[i] = avail[i] - cost end
    if cost > 0 then
      local stored = {}
      for i = 1, n do
        stored[i] = avail[i]
        if stored[i] < 0 then stored[i] = 0 end
      end
      store(KEYS[k], t, stored)
    end
  end
  for i = 1, n do reply[i + 1] = fmt(avail[i]) end
  out[k] = reply
end
return out
`,
  { name: "goggles-limiter-consume" },
);

/** Gives `cost` (ARGV[3n + 3]) back to every bucket of KEYS[1], never above capacity; a full key is deleted. */
export const refundScript = defineScript(
  `${PRELUDE}
local cost = tonumber(ARGV[3 * n + 3])
local at, t, avail = refill(KEYS[1])
if not at then return 0 end
local full = true
for i = 1, n do
  avail[i] = avail[i] + cost
  if avail[i] >= caps[i] then avail[i] = caps[i] else full = false end
end
if full then
  redis.call('DEL', KEYS[1])
else
  store(KEYS[1], t, avail)
end
return 1
`,
  { name: "goggles-limiter-refund" },
);
