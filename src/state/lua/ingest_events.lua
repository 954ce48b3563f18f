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

ARGV[1] pane key prefix (the city's, hash tag included)
ARGV[2] pane length, ms
ARGV[3] dedupe horizon, ms
ARGV[4] order record / anchor / waiting TTL, ms (whole hashes: they lapse when the city goes quiet)
ARGV[5] least ms between two speed samples of a courier
ARGV[6..11] horizon ms of the signals prep_s, prep_ratio, created, zone_created, done, speed_mps
ARGV[12..] six fields per event: id, type, then
           order_created: order, restaurant, zone or '', quoted prep ms or ''
           order_ready / order_picked_up / order_delivered / order_cancelled: order, '', '', ''
           courier_position: courier, lat, lng, ''
           courier_status: courier, status, '', ''

Returns {now, accepted, id, reason, id, reason, ...}: the store time and the ignored events with why
(duplicate, unknown_order, repeated_step).
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
local RAD = math.pi / 180
local EARTH_RADIUS_M = 6371008.8

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - dedupe_ms)

local expiring = {}
local function add(signal, key, value, ref)
  local name = prefix .. signal .. ':' .. pane
  redis.call('APPEND', name, key .. '|' .. string.format('%d', now) .. '|' .. string.format('%d', value) .. '|' .. ref .. '|')
  if not expiring[name] then
    expiring[name] = true
    redis.call('PEXPIREAT', name, (pane + 1) * pane_ms + horizon[signal])
  end
end

local function fields(record)
  local out = {}
  for field in string.gmatch(record .. '|', '([^|]*)|') do
    out[#out + 1] = field
  end
  return out
end

local function leave_waiting(restaurant)
  if redis.call('HINCRBY', KEYS[3], restaurant, -1) <= 0 then
    redis.call('HDEL', KEYS[3], restaurant)
  end
end

local function apply(kind, a, b, c, d)
  if kind == 'order_created' then
    if redis.call('HEXISTS', KEYS[2], a) == 1 then
      return 'repeated_step'
    end
    redis.call('HSET', KEYS[2], a, string.format('%d', now) .. '|' .. b .. '|' .. c .. '|' .. d .. '||0')
    add('created', b, d == '' and 0 or tonumber(d), a)
    if c ~= '' then
      add('zone_created', c, 1, a)
    end
    redis.call('HINCRBY', KEYS[3], b, 1)
    return nil
  end
  if kind == 'courier_position' then
    local anchor = redis.call('HGET', KEYS[4], a)
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
    redis.call('HSET', KEYS[4], a, string.format('%d', now) .. '|' .. b .. '|' .. c)
    return nil
  end
  if kind == 'courier_status' then
    if b == 'offline' then
      redis.call('HDEL', KEYS[4], a)
    end
    return nil
  end
  -- The steps of an order after its creation.
  local record = redis.call('HGET', KEYS[2], a)
  if not record then
    return 'unknown_order'
  end
  local f = fields(record)
  local created_at, restaurant, quoted, ready_at, picked = tonumber(f[1]), f[2], f[4], f[5], f[6]
  if kind == 'order_ready' then
    if ready_at ~= '' then
      return 'repeated_step'
    end
    redis.call('HSET', KEYS[2], a, f[1] .. '|' .. restaurant .. '|' .. f[3] .. '|' .. quoted .. '|' .. string.format('%d', now) .. '|' .. picked)
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
    redis.call('HSET', KEYS[2], a, f[1] .. '|' .. restaurant .. '|' .. f[3] .. '|' .. quoted .. '|' .. ready_at .. '|1')
    leave_waiting(restaurant)
    if ready_at == '' then
      add('done', restaurant, 0, a)
    end
  else
    -- order_delivered, order_cancelled
    if picked ~= '1' then
      leave_waiting(restaurant)
      if ready_at == '' then
        add('done', restaurant, 0, a)
      end
    end
    redis.call('HDEL', KEYS[2], a)
  end
  return nil
end

local accepted, out = 0, {now, 0}
for i = 12, #ARGV, 6 do
  local id = ARGV[i]
  if redis.call('ZADD', KEYS[1], 'NX', now, id) == 0 then
    out[#out + 1] = id
    out[#out + 1] = 'duplicate'
  else
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
for k = 1, 4 do
  if redis.call('EXISTS', KEYS[k]) == 1 then
    redis.call('PEXPIRE', KEYS[k], k == 1 and dedupe_ms or ttl_ms)
  end
end
return out
