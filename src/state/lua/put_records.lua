--[[
put_records: writes courier or order records as given (a fleet's or a test's seed; the HSET of
each), and deletes records with their offers (orders put as delivered or cancelled leave the hot
set), logging every id in the city's change log. Records are fields joined by "|", id first
(see redis-records.ts).

KEYS[1] records hash: the couriers hash or the orders hash
KEYS[2] offers hash of the same kind: id -> its offer's pickup id
KEYS[3] offer expiry sorted set of the same kind
KEYS[4] revision hash: the change log (change_log.lua)
KEYS[5] changes sorted set of the same kind: id -> the revision that last wrote it

ARGV[1] the records to write, a JSON array of strings
ARGV[2] the ids to delete, a JSON array

Returns the number of records written and deleted.
]]

-- include: change_log

local CHUNK = 1000
local records, deleted = cjson.decode(ARGV[1]), cjson.decode(ARGV[2])
local ids = {}
for start = 1, #records, CHUNK do
  local fields = {}
  for i = start, math.min(start + CHUNK - 1, #records) do
    ids[#ids + 1] = string.match(records[i], '^[^|]*')
    fields[#fields + 1] = ids[#ids]
    fields[#fields + 1] = records[i]
  end
  redis.call('HSET', KEYS[1], unpack(fields))
end
for start = 1, #deleted, CHUNK do
  local chunk = {unpack(deleted, start, math.min(start + CHUNK - 1, #deleted))}
  redis.call('HDEL', KEYS[1], unpack(chunk))
  redis.call('HDEL', KEYS[2], unpack(chunk))
  redis.call('ZREM', KEYS[3], unpack(chunk))
  for _, id in ipairs(chunk) do
    ids[#ids + 1] = id
  end
end
log_changes(KEYS[4], {{KEYS[5], ids}})
return #records + #deleted
