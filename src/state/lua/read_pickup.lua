--[[
read_pickup: a pickup with the records of its orders, read at one instant. Read-only.

KEYS[1] pickups hash: pickup id -> "courier|version|expiresAt|order|order|..."
KEYS[2] orders hash: order id -> "id|pickup lat|lng|dropoff lat|lng|readyAt|status"

ARGV[1] pickup id

Returns {pickup entry or nil, Redis time in ms, record of its first order or nil, of the second, ...}.
]]

local entry = redis.call('HGET', KEYS[1], ARGV[1])
local time = redis.call('TIME')
local reply = {entry, string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))}
if entry then
  local orders, k = {}, 0
  for field in string.gmatch(entry .. '|', '([^|]*)|') do
    k = k + 1
    if k > 3 then
      orders[#orders + 1] = field
    end
  end
  local records = redis.call('HMGET', KEYS[2], unpack(orders))
  for i = 1, #orders do
    reply[#reply + 1] = records[i]
  end
end
return reply
