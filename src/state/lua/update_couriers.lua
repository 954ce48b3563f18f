--[[
update_couriers: position and shift updates for many couriers at once. Like HSET of the
records, except that a courier the store has marked busy (it accepted an order that is not
delivered yet) stays busy whatever status the update carries, and that an empty freeAt field
is stamped with Redis TIME (the courier is free from now on the store's clock).

KEYS[1] couriers hash: courier id -> "id|lat|lng|speed|freeAt|status"
KEYS[2] revision hash: the change log (change_log.lua)
KEYS[3] courier changes sorted set: courier id -> the revision that last wrote it

ARGV[1] courier id, ARGV[2] its record, ARGV[3] the next courier id, ... (pairs)

Returns the number of couriers kept busy.
]]

-- include: change_log

local CHUNK = 1000
local kept = 0
local written = {}
local time = redis.call('TIME')
local now = string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
for start = 1, #ARGV, 2 * CHUNK do
  local stop = math.min(start + 2 * CHUNK - 1, #ARGV)
  local ids = {}
  for i = start, stop, 2 do
    ids[#ids + 1] = ARGV[i]
  end
  local existing = redis.call('HMGET', KEYS[1], unpack(ids))
  local pairs_out = {}
  for k, id in ipairs(ids) do
    -- The only empty field a record can have is its time (ids and numbers are never empty).
    local record = string.gsub(ARGV[start + 2 * (k - 1) + 1], '||', '|' .. now .. '|', 1)
    local old = existing[k]
    if old and string.sub(old, -5) == '|busy' and string.sub(record, -5) ~= '|busy' then
      record = string.gsub(record, '[^|]*$', 'busy', 1)
      kept = kept + 1
    end
    pairs_out[#pairs_out + 1] = id
    written[#written + 1] = id
    pairs_out[#pairs_out + 1] = record
  end
  redis.call('HSET', KEYS[1], unpack(pairs_out))
end
log_changes(KEYS[2], {{KEYS[3], written}})
return kept
