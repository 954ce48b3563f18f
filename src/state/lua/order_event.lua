--[[
order_event: one step of an order's or a pickup's life after dispatch, atomically: a courier
answers its offer (accept / decline), the orders are picked up, an order is delivered, or it is
cancelled. Records are fields joined by "|" with the status last (see redis-records.ts); an offer
names its pickup (redis-records.ts decodeOfferPickupId). An accepted offer stays in the offer
hashes (it names the courier carrying the orders) but leaves the expiry sets, so commits never
purge it.

A pickup's orders move together: accept, decline and picked_up act on every order of the
pickup, whether the event names the pickup or one of its orders. Delivered and cancel act on one
order, which leaves its pickup; the pickup ends (its entry and its courier's offer go) with its
last order, and only then is a carrying courier freed (delivered: at that order's dropoff).

KEYS[1] couriers hash: courier id -> "id|lat|lng|speed|freeAt|status"
KEYS[2] orders hash: order id -> "id|pickup lat|lng|dropoff lat|lng|readyAt|status"
KEYS[3] courier offers hash: courier id -> offer
KEYS[4] order offers hash: order id -> offer
KEYS[5] courier offer expiry sorted set
KEYS[6] order offer expiry sorted set
KEYS[7] cooldowns sorted set: "order|courier" scored by the end of its cooldown
KEYS[8] pickups hash: pickup id -> "courier|version|expiresAt|order|order|..."
KEYS[9] revision hash: the change log (change_log.lua)
KEYS[10] courier changes sorted set: courier id -> the revision that last wrote it
KEYS[11] order changes sorted set: order id -> the revision that last wrote it

ARGV[1] event: accept, decline, picked_up, delivered or cancel (a pickup: the first three)
ARGV[2] what the event names: "order" or "pickup"
ARGV[3] the order id or pickup id
ARGV[4] courier id the answer must come from ("" = whoever holds the offer)
ARGV[5] decline cooldown in milliseconds

Returns one of
  {"ok", courier id or "", pickup id or "", order, order, ...}   done; the courier the orders were
                                 offered to / carried by; the pickup and its orders as they were
                                 before the event
  {"unknown_order"}              no such order in the hot set
  {"unknown_pickup"}             no such pickup now (never committed, or ended, lapsed included)
  {"no_offer"}                   accept/decline without an outstanding offer to that courier
  {"wrong_state", status}        the order's (the pickup's orders') status does not allow the event
Times are Redis server time.
]]

-- include: change_log

local event, target, id, wanted_courier = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- The records this event writes, logged when it is done.
local couriers_written, orders_written = {}, {}
local function set_courier(courier_id, record)
  redis.call('HSET', KEYS[1], courier_id, record)
  couriers_written[#couriers_written + 1] = courier_id
end
local function set_order(order_id, record)
  redis.call('HSET', KEYS[2], order_id, record)
  orders_written[#orders_written + 1] = order_id
end
local function done(reply)
  log_changes(KEYS[9], {{KEYS[10], couriers_written}, {KEYS[11], orders_written}})
  return reply
end

local function fields(record)
  local out = {}
  for field in string.gmatch(record .. '|', '([^|]*)|') do
    out[#out + 1] = field
  end
  return out
end

local function last_field(record)
  return string.match(record, '[^|]*$')
end

local function with_status(record, new_status)
  local old = last_field(record)
  return string.sub(record, 1, #record - #old) .. new_status
end

-- The pickup entry as a table {id, courier, version, expires, orders}, or nil.
local function read_pickup(pickup_id)
  local entry = redis.call('HGET', KEYS[8], pickup_id)
  if not entry then
    return nil
  end
  local f = fields(entry)
  local p = {id = pickup_id, courier = f[1], version = f[2], expires = tonumber(f[3]), orders = {}}
  for k = 4, #f do
    p.orders[#p.orders + 1] = f[k]
  end
  return p
end

local function write_pickup(p)
  redis.call('HSET', KEYS[8], p.id, p.courier .. '|' .. p.version .. '|' .. string.format('%d', p.expires) .. '|' .. table.concat(p.orders, '|'))
end

-- The records of the pickup's orders (false for one no longer in the hot set) and their status:
-- they move together, so the first one present speaks for all.
local function pickup_records(p)
  if #p.orders == 0 then
    return {}, nil
  end
  local records = redis.call('HMGET', KEYS[2], unpack(p.orders))
  for k = 1, #p.orders do
    if records[k] then
      return records, last_field(records[k])
    end
  end
  return records, nil
end

-- The pickup ends: its entry goes, and every offer that still names it.
local function end_pickup(p)
  redis.call('HDEL', KEYS[8], p.id)
  for _, order_id in ipairs(p.orders) do
    local offer = redis.call('HGET', KEYS[4], order_id)
    if offer and last_field(offer) == p.id then
      redis.call('HDEL', KEYS[4], order_id)
      redis.call('ZREM', KEYS[6], order_id)
    end
  end
  local offer = redis.call('HGET', KEYS[3], p.courier)
  if offer and last_field(offer) == p.id then
    redis.call('HDEL', KEYS[3], p.courier)
    redis.call('ZREM', KEYS[5], p.courier)
  end
end

-- Frees a carrying (busy) courier, optionally at a new position, from now.
local function free_courier(courier_id, lat, lng)
  local record = redis.call('HGET', KEYS[1], courier_id)
  if not record then
    return
  end
  local f = fields(record)
  if f[6] ~= 'busy' then
    return
  end
  local updated = f[1] .. '|' .. (lat or f[2]) .. '|' .. (lng or f[3]) .. '|' .. f[4] .. '|' ..
    string.format('%d', now) .. '|free'
  set_courier(courier_id, updated)
end

-- Moves every order of the pickup in status `from` to `to`.
local function move(p, records, from, to)
  for k, order_id in ipairs(p.orders) do
    if records[k] and last_field(records[k]) == from then
      set_order(order_id, with_status(records[k], to))
      if from == 'pending' then
        redis.call('ZREM', KEYS[6], order_id)
      end
    end
  end
end

-- Accept, decline or picked_up of the whole pickup, its state already checked.
local function pickup_step(p, records)
  if event == 'accept' then
    move(p, records, 'pending', 'assigned')
    local courier = redis.call('HGET', KEYS[1], p.courier)
    if courier then
      set_courier(p.courier, with_status(courier, 'busy'))
    end
    redis.call('ZREM', KEYS[5], p.courier)
  elseif event == 'decline' then
    end_pickup(p)
    redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', now)
    for _, order_id in ipairs(p.orders) do
      redis.call('ZADD', KEYS[7], now + tonumber(ARGV[5]), order_id .. '|' .. p.courier)
    end
  else
    move(p, records, 'assigned', 'picked_up')
  end
end

-- Built before the event changes the pickup: it names the orders as they were.
local function ok_reply(courier, p)
  local reply = {'ok', courier or '', p and p.id or ''}
  if p then
    for _, order_id in ipairs(p.orders) do
      reply[#reply + 1] = order_id
    end
  end
  return reply
end

if target == 'pickup' then
  if event ~= 'accept' and event ~= 'decline' and event ~= 'picked_up' then
    return redis.error_reply('order_event: event ' .. event .. ' does not apply to a pickup')
  end
  local p = read_pickup(id)
  if not p then
    return {'unknown_pickup'}
  end
  local records, status = pickup_records(p)
  if not status or (status == 'pending' and p.expires <= now) then
    return {'unknown_pickup'}
  end
  local wanted_status = event == 'picked_up' and 'assigned' or 'pending'
  if status ~= wanted_status then
    return {'wrong_state', status}
  end
  if event ~= 'picked_up' and wanted_courier ~= '' and wanted_courier ~= p.courier then
    return {'no_offer'}
  end
  local reply = ok_reply(p.courier, p)
  pickup_step(p, records)
  return done(reply)
end

local order = redis.call('HGET', KEYS[2], id)
if not order then
  return {'unknown_order'}
end
local status = last_field(order)

-- The pickup the order's offer belongs to (outstanding, accepted, or lapsed and not yet purged).
local offer = redis.call('HGET', KEYS[4], id)
local p = offer and read_pickup(last_field(offer)) or nil
local courier_out = p and p.courier or ''

if event == 'accept' or event == 'decline' then
  if status ~= 'pending' then
    return {'wrong_state', status}
  end
  if not p or p.expires <= now or (wanted_courier ~= '' and wanted_courier ~= p.courier) then
    return {'no_offer'}
  end
  local records = pickup_records(p)
  local reply = ok_reply(courier_out, p)
  pickup_step(p, records)
  return done(reply)
end

if event == 'picked_up' then
  if status ~= 'assigned' then
    return {'wrong_state', status}
  end
  local reply = ok_reply(courier_out, p)
  if p then
    pickup_step(p, (pickup_records(p)))
  else
    set_order(id, with_status(order, 'picked_up'))
  end
  return done(reply)
end

if event == 'delivered' or event == 'cancel' then
  if event == 'delivered' and status ~= 'assigned' and status ~= 'picked_up' then
    return {'wrong_state', status}
  end
  local reply = ok_reply(courier_out, p)
  local carrying = status == 'assigned' or status == 'picked_up'
  redis.call('HDEL', KEYS[2], id)
  orders_written[#orders_written + 1] = id
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[6], id)
  if p then
    local rest = {}
    for _, order_id in ipairs(p.orders) do
      if order_id ~= id then
        rest[#rest + 1] = order_id
      end
    end
    p.orders = rest
    if #rest > 0 then
      write_pickup(p)
    else
      end_pickup(p)
      if carrying then
        local f = fields(order)
        if event == 'delivered' then
          free_courier(p.courier, f[4], f[5])
        else
          free_courier(p.courier, nil, nil)
        end
      end
    end
  end
  return done(reply)
end

return redis.error_reply('order_event: unknown event ' .. event)
