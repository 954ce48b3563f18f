--[[
read_offer: one order or courier with its offer and the offer's pickup, read at one instant (the
pickup's orders change when one of them is delivered or cancelled). Read-only.

KEYS[1] records hash: the orders hash or the couriers hash
KEYS[2] offers hash of the same kind: id -> its offer's pickup id
KEYS[3] pickups hash: pickup id -> "courier|version|expiresAt|order|order|..."

ARGV[1] order or courier id

Returns {record or nil, offer or nil, pickup entry or nil, Redis time in ms}.
]]

local record = redis.call('HGET', KEYS[1], ARGV[1])
local offer = redis.call('HGET', KEYS[2], ARGV[1])
local entry = offer and redis.call('HGET', KEYS[3], string.match(offer, '[^|]*$'))
local time = redis.call('TIME')
return {record, offer, entry or false, string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))}
