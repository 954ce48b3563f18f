--[[
order_event: one step of an order's life after dispatch, atomically: a courier answers its
offer (accept / decline), the order is picked up or delivered, or it is cancelled.
Records are fields joined by "|" with the status last (see redis-records.ts); an offer value is
"order|courier|version|expiresAt". An accepted offer stays in the offer hashes (it names the
courier carrying the order) but leaves the expiry sets, so commits never purge it.

KEYS[1] couriers hash: courier id -> "id|lat|lng|speed|freeAt|status"
KEYS[2] orders hash: order id -> "id|pickup lat|lng|dropoff lat|lng|readyAt|status"
KEYS[3] courier offers hash: courier id -> offer
KEYS[4] order offers hash: order id -> offer
KEYS[5] courier offer expiry sorted set
KEYS[6] order offer expiry sorted set
KEYS[7] cooldowns sorted set: "order|courier" scored by the end of its cooldown

ARGV[1] event: accept, decline, picked_up, delivered or cancel
ARGV[2] order id
ARGV[3] courier id the answer must come from ("" = whoever holds the offer)
ARGV[4] decline cooldown in milliseconds

Returns one of
  {"ok", courier id or ""}       done; the courier is the one the order was offered to / carried by
  {"unknown_order"}              no such order in the hot set
  {"no_offer"}                   accept/decline without an outstanding offer to that courier
  {"wrong_state", status}        the order's status does not allow the event
Times are Redis server time.
]]

local event, order_id, wanted_courier = ARGV[1], ARGV[2], ARGV[3]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local order = redis.call('HGET', KEYS[2], order_id)
if not order then
  return {'unknown_order'}
end
local status = string.match(order, '[^|]*$')

local function fields(record)
  local out = {}
  for field in string.gmatch(record .. '|', '([^|]*)|') do
    out[#out + 1] = field
  end
  return out
end

-- The order's offer: courier id and whether it is still outstanding.
local offer = redis.call('HGET', KEYS[4], order_id)
local offer_courier, offer_live = nil, false
if offer then
  local f = fields(offer)
  offer_courier = f[2]
  offer_live = tonumber(f[4]) > now and redis.call('ZSCORE', KEYS[6], order_id) ~= false
end

local function with_status(record, new_status)
  local old = string.match(record, '[^|]*$')
  return string.sub(record, 1, #record - #old) .. new_status
end

local function drop_offer()
  redis.call('HDEL', KEYS[4], order_id)
  redis.call('ZREM', KEYS[6], order_id)
  if offer_courier then
    local courier_offer = redis.call('HGET', KEYS[3], offer_courier)
    if courier_offer and string.sub(courier_offer, 1, #order_id + 1) == order_id .. '|' then
      redis.call('HDEL', KEYS[3], offer_courier)
      redis.call('ZREM', KEYS[5], offer_courier)
    end
  end
end

-- Frees the courier that carried the order, optionally at a new position, from now.
local function free_courier(lat, lng)
  if not offer_courier then
    return
  end
  local record = redis.call('HGET', KEYS[1], offer_courier)
  if not record then
    return
  end
  local f = fields(record)
  if f[6] ~= 'busy' then
    return
  end
  local updated = f[1] .. '|' .. (lat or f[2]) .. '|' .. (lng or f[3]) .. '|' .. f[4] .. '|' ..
    string.format('%d', now) .. '|free'
  redis.call('HSET', KEYS[1], offer_courier, updated)
end

local courier_out = offer_courier or ''

if event == 'accept' or event == 'decline' then
  if status ~= 'pending' then
    return {'wrong_state', status}
  end
  if not offer_live or (wanted_courier ~= '' and wanted_courier ~= offer_courier) then
    return {'no_offer'}
  end
  if event == 'accept' then
    redis.call('HSET', KEYS[2], order_id, with_status(order, 'assigned'))
    local courier = redis.call('HGET', KEYS[1], offer_courier)
    if courier then
      redis.call('HSET', KEYS[1], offer_courier, with_status(courier, 'busy'))
    end
    redis.call('ZREM', KEYS[6], order_id)
    redis.call('ZREM', KEYS[5], offer_courier)
  else
    drop_offer()
    redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now)
    redis.call('ZADD', KEYS[7], now + tonumber(ARGV[4]), order_id .. '|' .. offer_courier)
  end
  return {'ok', courier_out}
end

if event == 'picked_up' then
  if status ~= 'assigned' then
    return {'wrong_state', status}
  end
  redis.call('HSET', KEYS[2], order_id, with_status(order, 'picked_up'))
  return {'ok', courier_out}
end

if event == 'delivered' then
  if status ~= 'assigned' and status ~= 'picked_up' then
    return {'wrong_state', status}
  end
  local f = fields(order)
  free_courier(f[4], f[5])
  drop_offer()
  redis.call('HDEL', KEYS[2], order_id)
  return {'ok', courier_out}
end

if event == 'cancel' then
  if status == 'assigned' or status == 'picked_up' then
    free_courier(nil, nil)
  end
  drop_offer()
  redis.call('HDEL', KEYS[2], order_id)
  return {'ok', courier_out}
end

return redis.error_reply('order_event: unknown event ' .. event)
