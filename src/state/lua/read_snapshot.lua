--[[
read_snapshot: what a snapshot of one city is built from, in one atomic read at one store time:
the courier and order records, who holds an outstanding offer, the decision version and the
estimates. A reader that mirrors the records (redis-record-mirror.ts) gets only the records
changed since the revision it holds, from the change log (change_log.lua); it gets every record
instead when it holds none, when the log is not the one it read (the epoch: the serving
process's run id and the log's stamp, so a restart, a failover or a loss of the keys all read
whole), when the log was trimmed past its revision, or when more than half of the records
changed (the whole is then the smaller reply). Read-only.

KEYS[1] couriers hash: courier id -> "id|lat|lng|speed|freeAt|status"
KEYS[2] orders hash: order id -> "id|pickup lat|lng|dropoff lat|lng|readyAt|status"
KEYS[3] courier changes sorted set: courier id scored by the revision that last wrote it
KEYS[4] order changes sorted set: order id scored by the revision that last wrote it
KEYS[5] revision hash: rev (the last revision), stamp (when the log began), floor (trimmed up to)
KEYS[6] courier offer expiry sorted set: courier id scored by expiresAt
KEYS[7] order offer expiry sorted set: order id scored by expiresAt
KEYS[8] fence hash: version (decisions committed)
KEYS[9] estimates string (estimates.ts), with a PX expiry

ARGV[1] the epoch the reader's records were read under ('' for none: read whole)
ARGV[2] the revision they are as of
ARGV[3] "1": read the estimates too

Returns {now, version, epoch or '' (no log: always whole), revision, courier part, order part,
offered couriers, offered orders, estimates or nil, estimates PTTL or nil}: a part is
{"full", record, record, ...} or {"delta", id, record or nil (deleted), id, ...}; the offered are
the ids whose offer expires after now.
]]

-- The PTTL right before TIME, as putEstimates takes TIME right after the SET: what is left at
-- `now`, not at the end of a long read.
local estimates, estimates_ttl
if ARGV[3] == '1' then
  estimates, estimates_ttl = redis.call('GET', KEYS[9]), redis.call('PTTL', KEYS[9])
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local log = redis.call('HMGET', KEYS[5], 'rev', 'stamp', 'floor')
local revision = tonumber(log[1] or '0')
local epoch = ''
if log[2] then
  epoch = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)') .. '/' .. log[2]
end
local from = tonumber(ARGV[2])
local resume = epoch ~= '' and ARGV[1] == epoch and from <= revision and from >= tonumber(log[3] or '0')

local function part(records_key, changes_key)
  if resume then
    local ids = redis.call('ZRANGEBYSCORE', changes_key, '(' .. from, '+inf')
    if 2 * #ids <= redis.call('HLEN', records_key) then
      local out = {'delta'}
      for i = 1, #ids, 1000 do
        local chunk = {unpack(ids, i, math.min(i + 999, #ids))}
        local records = redis.call('HMGET', records_key, unpack(chunk))
        for k = 1, #chunk do
          out[#out + 1] = chunk[k]
          out[#out + 1] = records[k]
        end
      end
      return out
    end
  end
  local out = redis.call('HVALS', records_key)
  table.insert(out, 1, 'full')
  return out
end

local reply = {
  string.format('%d', now),
  redis.call('HGET', KEYS[8], 'version') or '0',
  epoch,
  string.format('%d', revision),
  part(KEYS[1], KEYS[3]),
  part(KEYS[2], KEYS[4]),
  redis.call('ZRANGEBYSCORE', KEYS[6], '(' .. now, '+inf'),
  redis.call('ZRANGEBYSCORE', KEYS[7], '(' .. now, '+inf'),
}
if ARGV[3] == '1' then
  reply[9], reply[10] = estimates, estimates_ttl
end
return reply
