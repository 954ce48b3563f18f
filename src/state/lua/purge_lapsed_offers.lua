--[[
purge_lapsed_offers: drops a city's lapsed offers with their pickups, so the expiry sets and the
pickups hash hold little more than the live offers. Housekeeping only: whether an offer is
outstanding is its expiry score against the time (commit_decision.lua, read_snapshot.lua), so
when this runs changes no answer; the dispatch cycle runs it beside its solve, off the commit's
path. A pickup's entry is found through its courier's offer: a pickup not accepted has its
courier in the courier expiry set, lapsing with its orders (one expiresAt), and nothing else
takes the courier out without ending the pickup (order_event.lua, remove_courier.lua), so the
orders' lapsed offers need no look-up.

KEYS[1] courier offers hash: courier id -> its offer's pickup id (redis-records.ts)
KEYS[2] order offers hash: order id -> its offer's pickup id
KEYS[3] courier offer expiry sorted set: courier id scored by expiresAt
KEYS[4] order offer expiry sorted set: order id scored by expiresAt
KEYS[5] pickups hash: pickup id -> "courier|version|expiresAt|order|order|..."

No ARGV: the time is Redis server time, the commit's clock.

Returns the number of lapsed offers dropped (couriers' and orders').
]]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- include: call_chunked

local function purge_lapsed(offers_key, expiry_key, with_pickups)
  local lapsed = redis.call('ZRANGEBYSCORE', expiry_key, '-inf', now)
  if with_pickups then
    local pickup_ids = {}
    for _, offer in ipairs(call_chunked('HMGET', offers_key, lapsed)) do
      if offer then
        pickup_ids[#pickup_ids + 1] = string.match(offer, '[^|]*$')
      end
    end
    call_chunked('HDEL', KEYS[5], pickup_ids)
  end
  call_chunked('HDEL', offers_key, lapsed)
  redis.call('ZREMRANGEBYSCORE', expiry_key, '-inf', now)
  return #lapsed
end
return purge_lapsed(KEYS[1], KEYS[3], true) + purge_lapsed(KEYS[2], KEYS[4], false)
