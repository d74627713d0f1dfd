import { defineScript } from "../script/define-script.js";

// The token-bucket specification of @goggles/core (packages/core/src/limit/token-bucket.ts), in Lua.
//
// One string per key holds every limit of a request: `at` (ms) then the tokens of each limit at `at`, in the
// limiter's order, packed as little-endian doubles (struct.pack: exact, and read and written with one GET and
// one SET … PX each). A value of another size (the limiter's limits changed) counts as full buckets.
//
// ARGV: now ("" → Redis TIME), n, then n × (capacity, refillPerMs), then one cost per key.

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
local layout = '<' .. string.rep('d', n + 1)
local size = 8 * (n + 1)
-- Refilled tokens of every bucket of a key at t = max(at, now); has = whether the key has state.
local function refill(key)
  local value = redis.call('GET', key)
  local avail = {}
  if value and #value == size then
    local state = {struct.unpack(layout, value)}
    local at = state[1]
    local t = now
    if at > now then t = at end
    for i = 1, n do
      local a = state[i + 1] + (t - at) * rates[i]
      if a > caps[i] then a = caps[i] end
      avail[i] = a
    end
    return true, t, avail
  end
  for i = 1, n do avail[i] = caps[i] end
  return false, now, avail
end
-- Writes the state, expiring the key (with a one-second margin) once every bucket is full again.
local function store(key, t, tokens)
  local full = t
  for i = 1, n do
    local when = t + (caps[i] - tokens[i]) / rates[i]
    if when > full then full = when end
  end
  redis.call('SET', key, struct.pack(layout, t, unpack(tokens)), 'PX', math.ceil(full - t) + 1000)
end
`;

/**
 * Decides one request per key (KEYS[k] with cost ARGV[2n + 2 + k]): all buckets of a key are charged, or
 * none. Replies one string of space-separated fields: per key `allowed (1|0), left[1], …, left[n]`, `left`
 * written with 17 significant digits (Lua numbers would be truncated to integers on the way out). One bulk
 * string instead of an array of 64 × (n + 1) replies: cheaper to build in Redis and to read in Node.
 */
export const consumeScript = defineScript(
  `${PRELUDE}
local out = {}
if n == 1 then
  -- One limit (the common case): the same arithmetic without a table per key.
  local cap, rate = caps[1], rates[1]
  local slack = eps * cap
  for k = 1, #KEYS do
    local key = KEYS[k]
    local cost = tonumber(ARGV[4 + k])
    local value = redis.call('GET', key)
    local t, a = now, cap
    if value and #value == 16 then
      local at, tokens = struct.unpack('<dd', value)
      if at > now then t = at end
      a = tokens + (t - at) * rate
      if a > cap then a = cap end
    end
    if a < cost - slack then
      out[#out + 1] = 0
    else
      out[#out + 1] = 1
      a = a - cost
      if cost > 0 then
        local stored = a
        if stored < 0 then stored = 0 end
        redis.call('SET', key, struct.pack('<dd', t, stored), 'PX', math.ceil((cap - stored) / rate) + 1000)
      end
    end
    out[#out + 1] = string.format('%.17g', a)
  end
  return table.concat(out, ' ')
end
for k = 1, #KEYS do
  local cost = tonumber(ARGV[2 * n + 2 + k])
  local has, t, avail = refill(KEYS[k])
  local allowed = 1
  for i = 1, n do
    if avail[i] < cost - eps * caps[i] then allowed = 0 end
  end
  out[#out + 1] = allowed
  if allowed == 1 then
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
  for i = 1, n do out[#out + 1] = string.format('%.17g', avail[i]) end
end
return table.concat(out, ' ')
`,
  { name: "goggles-limiter-consume" },
);

/** Gives `cost` (ARGV[2n + 3]) back to every bucket of KEYS[1], never above capacity; a full key is deleted. */
export const refundScript = defineScript(
  `${PRELUDE}
local cost = tonumber(ARGV[2 * n + 3])
local has, t, avail = refill(KEYS[1])
if not has then return 0 end
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
