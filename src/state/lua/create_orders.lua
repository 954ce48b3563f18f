--[[
create_orders: creates a batch of new orders, all or nothing: if any id of the batch is already
in the hot set nothing is written, so two concurrent creations of one id never both succeed.
Records are fields joined by "|" with the status last (see redis-records.ts); an empty readyAt
field is stamped with Redis TIME, so a host's skewed clock never reaches the store.

KEYS[1] orders hash: order id -> "id|pickup lat|lng|dropoff lat|lng|readyAt|pending"
KEYS[2] revision hash: the change log (change_log.lua)
KEYS[3] order changes sorted set: order id -> the revision that last wrote it

ARGV[1] the records as a JSON array of strings, each starting with its id

Returns one of
  {"ok", created}      every order of the batch is created
  {"exists", id}       the first order of the batch that already exists; nothing changed
]]

-- include: change_log

local CHUNK = 1000
local records = cjson.decode(ARGV[1])
local ids = {}
for i, record in ipairs(records) do
  ids[i] = string.match(record, '^[^|]*')
end

for start = 1, #ids, CHUNK do
  local existing = redis.call('HMGET', KEYS[1], unpack(ids, start, math.min(start + CHUNK - 1, #ids)))
  for k = 1, #existing do
    if existing[k] then
      return {'exists', ids[start + k - 1]}
    end
  end
end

local time = redis.call('TIME')
local now = string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
for start = 1, #records, CHUNK do
  local fields = {}
  for i = start, math.min(start + CHUNK - 1, #records) do
    -- The only empty field a record can have is its time (ids and numbers are never empty).
    fields[#fields + 1] = ids[i]
    fields[#fields + 1] = string.gsub(records[i], '||', '|' .. now .. '|', 1)
  end
  redis.call('HSET', KEYS[1], unpack(fields))
end
log_changes(KEYS[2], {{KEYS[3], ids}})
return {'ok', #records}
