-- The city's change log (redis-keys.ts `revision`, `courierChanges`, `orderChanges`), included by
-- every script that writes a courier or order record: the write takes the city's next revision
-- and each record it wrote (or deleted) is scored with it, so a reader holding the records as of
-- revision r reads only the ids scored above r (read_snapshot.lua). `stamp` is set when the
-- revision hash is created: a log lost with its keys starts again under another stamp.

-- Logs the ids written by this script: changes is a list of {changes sorted set key, ids}.
local function log_changes(revision_key, changes)
  local any = false
  for _, change in ipairs(changes) do
    any = any or #change[2] > 0
  end
  if not any then
    return
  end
  local revision = redis.call('HINCRBY', revision_key, 'rev', 1)
  if revision == 1 then
    local t = redis.call('TIME')
    redis.call('HSET', revision_key, 'stamp', t[1] .. '.' .. t[2])
  end
  for _, change in ipairs(changes) do
    local ids = change[2]
    for i = 1, #ids, 1000 do
      local args = {}
      for k = i, math.min(i + 999, #ids) do
        args[#args + 1] = revision
        args[#args + 1] = ids[k]
      end
      redis.call('ZADD', change[1], unpack(args))
    end
  end
end
