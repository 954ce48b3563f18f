--[[
ingest_events: a batch of business events into the feature engine (src/features), atomically and
at one store time: the Redis half of what memory-feature-signals.ts does, step for step, so both
stores record the same samples. Every event id is remembered for the dedupe horizon; a repeat is
ignored. Samples are appended to panes: strings "<pane prefix><signal>:<pane index>" of records
"key|t|value|ref|" (feature-state.ts), which share the city's hash tag and expire once they leave
their signal's horizon. Values are integers: milliseconds, millimetres per second, counts.

KEYS[1] seen sorted set: event id scored by the time it was taken
KEYS[2] orders hash: order id -> "createdAt|restaurant|zone|quotedPrepMs|readyAt|pickedUp" ('' = none)
KEYS[3] waiting hash: restaurant -> orders created and not yet picked up or cancelled
KEYS[4] anchors hash: courier id -> "t|lat|lng" of the position its next speed sample starts from
KEYS[5] epoch string: set by the first batch after the city's feature keys were lost or lapsed, so a
        reader that mirrors the panes (redis-feature-mirror.ts) knows to start again

ARGV[1] pane key prefix (the city's, hash tag included)
ARGV[2] pane length, ms
ARGV[3] dedupe horizon, ms
ARGV[4] order record / anchor / waiting TTL, ms (whole hashes: they lapse when the city goes quiet)
ARGV[5] least ms between two speed samples of a courier
ARGV[6..11] horizon ms of the signals prep_s, prep_ratio, created, zone_created, done, speed_mps
ARGV[12] a fresh random epoch, taken only when KEYS[5] is missing
ARGV[13..] six fields per event: id, type, then
           order_created: order, restaurant, zone or '', quoted prep ms or ''
           order_ready / order_picked_up / order_delivered / order_cancelled: order, '', '', ''
           courier_position: courier, lat, lng, ''
           courier_status: courier, status, '', ''

Returns {now, accepted, id, reason, id, reason, ...}: the store time and the ignored events with why
(duplicate, unknown_order, repeated_step).

Commands, not Lua, are most of what an event costs, so the script issues a few per batch, not
several per event: the event ids are looked up with ZMSCORE and the records the events touch
with HMGET, in chunks, up front; the steps then run on tables, and what they wrote (ids, hash
fields, pane records) goes to Redis at the end. The script is atomic: nothing sees the difference.
Needs Redis 6.2 (ZMSCORE).
]]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix, pane_ms = ARGV[1], tonumber(ARGV[2])
local dedupe_ms, ttl_ms, speed_ms = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local horizon = {}
for s, name in ipairs({'prep_s', 'prep_ratio', 'created', 'zone_created', 'done', 'speed_mps'}) do
  horizon[name] = tonumber(ARGV[5 + s])
end
local pane = math.floor(now / pane_ms)
local CHUNK = 1000 -- fields per command: well within Lua's unpack limit
local RAD = math.pi / 180
local EARTH_RADIUS_M = 6371008.8

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - dedupe_ms)
local now_s = string.format('%d', now)

-- Pane name -> its records of this batch, in order.
local appends, pane_order = {}, {}
local function add(signal, key, value, ref)
  local name = prefix .. signal .. ':' .. pane
  local records = appends[name]
  if not records then
    records = {}
    appends[name] = records
    pane_order[#pane_order + 1] = {name, signal}
  end
  records[#records + 1] = key .. '|' .. now_s .. '|' .. string.format('%d', value) .. '|' .. ref .. '|'
end

-- A hash as this batch leaves it: its reads cached, its writes (a value, or false: deleted) kept for flush.
local function hash_view(key)
  local read, written = {}, {}
  local view = {}
  function view.get(field)
    local v = written[field]
    if v ~= nil then
      return v or nil
    end
    v = read[field]
    if v == nil then
      v = redis.call('HGET', key, field) or false
      read[field] = v
    end
    return v or nil
  end
  function view.prefetch(list)
    for i = 1, #list, CHUNK do
      local values = redis.call('HMGET', key, unpack(list, i, math.min(i + CHUNK - 1, #list)))
      for k = 1, #values do
        read[list[i + k - 1]] = values[k]
      end
    end
  end
  function view.set(field, value)
    written[field] = value
  end
  function view.del(field)
    written[field] = false
  end
  function view.flush()
    local sets, dels = {}, {}
    for field, value in pairs(written) do
      if value then
        sets[#sets + 1] = field
        sets[#sets + 1] = value
      else
        dels[#dels + 1] = field
      end
    end
    for i = 1, #sets, 2 * CHUNK do
      redis.call('HSET', key, unpack(sets, i, math.min(i + 2 * CHUNK - 1, #sets)))
    end
    for i = 1, #dels, CHUNK do
      redis.call('HDEL', key, unpack(dels, i, math.min(i + CHUNK - 1, #dels)))
    end
  end
  return view
end

local orders, waiting, anchors = hash_view(KEYS[2]), hash_view(KEYS[3]), hash_view(KEYS[4])

local function fields(record)
  local out = {}
  for field in string.gmatch(record .. '|', '([^|]*)|') do
    out[#out + 1] = field
  end
  return out
end

-- As HINCRBY on the waiting hash, a count at 0 or below deleted.
local function add_waiting(restaurant, by)
  local n = tonumber(waiting.get(restaurant) or '0') + by
  if n <= 0 then
    waiting.del(restaurant)
  else
    waiting.set(restaurant, string.format('%d', n))
  end
end

local function apply(kind, a, b, c, d)
  if kind == 'order_created' then
    if orders.get(a) then
      return 'repeated_step'
    end
    orders.set(a, now_s .. '|' .. b .. '|' .. c .. '|' .. d .. '||0')
    add('created', b, d == '' and 0 or tonumber(d), a)
    if c ~= '' then
      add('zone_created', c, 1, a)
    end
    add_waiting(b, 1)
    return nil
  end
  if kind == 'courier_position' then
    local anchor = anchors.get(a)
    local lat, lng = tonumber(b), tonumber(c)
    if anchor then
      local f = fields(anchor)
      local t, from_lat, from_lng = tonumber(f[1]), tonumber(f[2]), tonumber(f[3])
      if now - t < speed_ms then
        return nil
      end
      -- As speedMmPerS (feature-state.ts), operation for operation.
      local x = (lng - from_lng) * RAD * math.cos(((from_lat + lat) / 2) * RAD)
      local y = (lat - from_lat) * RAD
      local metres = math.sqrt(x * x + y * y) * EARTH_RADIUS_M
      add('speed_mps', a, math.floor((metres * 1000000) / (now - t) + 0.5), '')
    end
    anchors.set(a, now_s .. '|' .. b .. '|' .. c)
    return nil
  end
  if kind == 'courier_status' then
    if b == 'offline' then
      anchors.del(a)
    end
    return nil
  end
  -- The steps of an order after its creation.
  local record = orders.get(a)
  if not record then
    return 'unknown_order'
  end
  local f = fields(record)
  local created_at, restaurant, quoted, ready_at, picked = tonumber(f[1]), f[2], f[4], f[5], f[6]
  if kind == 'order_ready' then
    if ready_at ~= '' then
      return 'repeated_step'
    end
    orders.set(a, f[1] .. '|' .. restaurant .. '|' .. f[3] .. '|' .. quoted .. '|' .. now_s .. '|' .. picked)
    add('prep_s', restaurant, now - created_at, a)
    add('done', restaurant, 0, a)
    if quoted ~= '' and tonumber(quoted) > 0 then
      -- As memory-signals.ts: thousandths of the quote, rounded.
      add('prep_ratio', restaurant, math.floor((1000 * (now - created_at)) / tonumber(quoted) + 0.5), a)
    end
  elseif kind == 'order_picked_up' then
    if picked == '1' then
      return 'repeated_step'
    end
    orders.set(a, f[1] .. '|' .. restaurant .. '|' .. f[3] .. '|' .. quoted .. '|' .. ready_at .. '|1')
    add_waiting(restaurant, -1)
    if ready_at == '' then
      add('done', restaurant, 0, a)
    end
  else
    -- order_delivered, order_cancelled
    if picked ~= '1' then
      add_waiting(restaurant, -1)
      if ready_at == '' then
        add('done', restaurant, 0, a)
      end
    end
    orders.del(a)
  end
  return nil
end

-- The batch's event ids, and which of them were taken before it.
local ids, order_ids, courier_ids = {}, {}, {}
for i = 13, #ARGV, 6 do
  ids[#ids + 1] = ARGV[i]
  local kind = ARGV[i + 1]
  if kind == 'courier_position' then
    courier_ids[#courier_ids + 1] = ARGV[i + 2]
  elseif kind ~= 'courier_status' then
    order_ids[#order_ids + 1] = ARGV[i + 2]
  end
end
local seen_before = {}
for i = 1, #ids, CHUNK do
  local scores = redis.call('ZMSCORE', KEYS[1], unpack(ids, i, math.min(i + CHUNK - 1, #ids)))
  for k = 1, #scores do
    seen_before[i + k - 1] = scores[k] ~= false
  end
end
orders.prefetch(order_ids)
anchors.prefetch(courier_ids)

local accepted, out = 0, {now, 0}
local taken, fresh = {}, {}
for e = 1, #ids do
  local id, i = ids[e], 13 + (e - 1) * 6
  if seen_before[e] or taken[id] then
    out[#out + 1] = id
    out[#out + 1] = 'duplicate'
  else
    taken[id] = true
    fresh[#fresh + 1] = now_s
    fresh[#fresh + 1] = id
    local refused = apply(ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5])
    if refused then
      out[#out + 1] = id
      out[#out + 1] = refused
    else
      accepted = accepted + 1
    end
  end
end
out[2] = accepted
for i = 1, #fresh, 2 * CHUNK do
  redis.call('ZADD', KEYS[1], unpack(fresh, i, math.min(i + 2 * CHUNK - 1, #fresh)))
end
orders.flush()
waiting.flush()
anchors.flush()
for _, p in ipairs(pane_order) do
  local name, signal = p[1], p[2]
  redis.call('APPEND', name, table.concat(appends[name]))
  redis.call('PEXPIREAT', name, (pane + 1) * pane_ms + horizon[signal])
end
for k = 1, 4 do
  if redis.call('EXISTS', KEYS[k]) == 1 then
    redis.call('PEXPIRE', KEYS[k], k == 1 and dedupe_ms or ttl_ms)
  end
end
if not redis.call('SET', KEYS[5], ARGV[12], 'NX', 'PX', ttl_ms) then
  redis.call('PEXPIRE', KEYS[5], ttl_ms)
end
return out
