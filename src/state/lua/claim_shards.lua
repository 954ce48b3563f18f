--[[
claim_shards: the id -> shard index of a city of several area shards, in the city's base slot
(docs/scaling.md, "Area shards"), written before the items' records go to their shards: an id
is in one shard, and creating an order stays unique per id across the shards.

KEYS[1] shard index hash: item id -> its shard

ARGV[1] "create": only if none of the ids is indexed, all or nothing; "keep": an indexed id keeps
        its shard, the others get the one given
ARGV[2] JSON [[id, shard], ...]

Returns {"exists", id} (create: the first id indexed; nothing written) or {"ok", shard, ...}:
each id's shard after the call, in the given order.
]]

-- include: call_chunked

local items = cjson.decode(ARGV[2])
local ids = {}
for i, item in ipairs(items) do
  ids[i] = item[1]
end
local shards = call_chunked('HMGET', KEYS[1], ids)
-- chosen: ids given a shard by this call, so an id given twice keeps the first.
local reply, fresh, chosen = {'ok'}, {}, {}
for i, item in ipairs(items) do
  if shards[i] and ARGV[1] == 'create' then
    return {'exists', item[1]}
  end
  local shard = shards[i] or chosen[item[1]]
  if not shard then
    shard = tostring(item[2])
    chosen[item[1]] = shard
    fresh[#fresh + 1] = item[1]
    fresh[#fresh + 1] = shard
  end
  reply[i + 1] = shard
end
call_chunked('HSET', KEYS[1], fresh)
return reply
