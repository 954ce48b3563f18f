--[[
remove_courier: a courier leaves the city. Its outstanding offer is withdrawn (the order is
pending again at once) and an order it had accepted but not picked up goes back to pending.

KEYS[1] couriers hash
KEYS[2] orders hash
KEYS[3] courier offers hash: courier id -> "order|courier|version|expiresAt"
KEYS[4] order offers hash
KEYS[5] courier offer expiry sorted set
KEYS[6] order offer expiry sorted set

ARGV[1] courier id

Returns 1 when the courier existed, 0 otherwise.
]]

local id = ARGV[1]
local existed = redis.call('HDEL', KEYS[1], id)
local offer = redis.call('HGET', KEYS[3], id)
if offer then
  local order_id = string.match(offer, '^[^|]*')
  local order_offer = redis.call('HGET', KEYS[4], order_id)
  if order_offer == offer then
    redis.call('HDEL', KEYS[4], order_id)
    redis.call('ZREM', KEYS[6], order_id)
    local order = redis.call('HGET', KEYS[2], order_id)
    if order and string.sub(order, -9) == '|assigned' then
      redis.call('HSET', KEYS[2], order_id, string.sub(order, 1, #order - 8) .. 'pending')
    end
  end
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[5], id)
end
return existed
