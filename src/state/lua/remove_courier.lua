--[[
remove_courier: a courier leaves the city. Its pickup ends: an outstanding offer is withdrawn
(its orders are pending again at once) and the orders it had accepted but not picked up go back
to pending.

KEYS[1] couriers hash
KEYS[2] orders hash
KEYS[3] courier offers hash: courier id -> its offer's pickup id
KEYS[4] order offers hash: order id -> its offer's pickup id
KEYS[5] courier offer expiry sorted set
KEYS[6] order offer expiry sorted set
KEYS[7] pickups hash: pickup id -> "courier|version|expiresAt|order|order|..."
KEYS[8] revision hash: the change log (change_log.lua)
KEYS[9] courier changes sorted set: courier id -> the revision that last wrote it
KEYS[10] order changes sorted set: order id -> the revision that last wrote it

ARGV[1] courier id

Returns 1 when the courier existed, 0 otherwise.
]]

-- include: change_log

local id = ARGV[1]
local existed = redis.call('HDEL', KEYS[1], id)
local orders_written = {}
local offer = redis.call('HGET', KEYS[3], id)
if offer then
  local pickup_id = string.match(offer, '[^|]*$')
  local entry = redis.call('HGET', KEYS[7], pickup_id)
  -- "courier|version|expiresAt|order|...": the orders are the fields after the third.
  if entry and string.sub(entry, 1, #id + 1) == id .. '|' then
    local k = 0
    for order_id in string.gmatch(entry .. '|', '([^|]*)|') do
      k = k + 1
      local order_offer = k > 3 and redis.call('HGET', KEYS[4], order_id)
      if order_offer and string.match(order_offer, '[^|]*$') == pickup_id then
        redis.call('HDEL', KEYS[4], order_id)
        redis.call('ZREM', KEYS[6], order_id)
        local order = redis.call('HGET', KEYS[2], order_id)
        if order and string.sub(order, -9) == '|assigned' then
          redis.call('HSET', KEYS[2], order_id, string.sub(order, 1, #order - 8) .. 'pending')
          orders_written[#orders_written + 1] = order_id
        end
      end
    end
    redis.call('HDEL', KEYS[7], pickup_id)
  end
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[5], id)
end
log_changes(KEYS[8], {{KEYS[9], existed == 1 and {id} or {}}, {KEYS[10], orders_written}})
return existed
