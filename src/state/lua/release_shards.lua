--[[
release_shards: drops ids from the id -> shard index of a city of several area shards, after
their records left their shard (docs/scaling.md, "Area shards"): each only if its entry is still
the one the caller read, so an id claimed again meanwhile (a put racing the removal) stays.

KEYS[1] shard index hash: item id -> "<shard>|<claim>" (claim_shards.lua)

ARGV[1] JSON [[id, entry], ...]

Returns the number of ids dropped.
]]

local dropped = 0
for _, item in ipairs(cjson.decode(ARGV[1])) do
  if redis.call('HGET', KEYS[1], item[1]) == item[2] then
    dropped = dropped + redis.call('HDEL', KEYS[1], item[1])
  end
end
return dropped
