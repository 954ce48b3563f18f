--[[
claim_shards: the id -> shard index of a city of several area shards, in the city's base slot
(docs/scaling.md, "Area shards"), written before the items' records go to their shards: an id
is in one shard, and creating an order stays unique per id across the shards. An entry is
"<shard>|<claim>", the claim counting the calls that wrote it, so a release drops only the entry
it read (release_shards.lua).

KEYS[1] shard index hash: item id -> "<shard>|<claim>"

ARGV[1] "create": only if none of the ids is indexed, all or nothing; "keep": an indexed id keeps
        its shard, the others get the one given
ARGV[2] JSON [[id, shard], ...]

Returns {"exists", id} (create: the first id indexed; nothing written) or {"ok", entry, ...}:
each id's entry after the call, in the given order.
]]

-- include: call_chunked

local items = cjson.decode(ARGV[2])
local ids = {}
for i, item in ipairs(items) do
  ids[i] = item[1]
end
local entries = call_chunked('HMGET', KEYS[1], ids)
-- chosen: the entries this call wrote, so an id given twice gets one.
local reply, writes, chosen = {'ok'}, {}, {}
for i, item in ipairs(items) do
  local id = item[1]
  if entries[i] and ARGV[1] == 'create' then
    return {'exists', id}
  end
  local entry = chosen[id]
  if not entry then
    if entries[i] then
      local shard, claim = string.match(entries[i], '^(%d+)|(%d+)$')
      entry = shard .. '|' .. string.format('%d', tonumber(claim) + 1)
    else
      entry = string.format('%d', item[2]) .. '|1'
    end
    chosen[id] = entry
    writes[#writes + 1] = id
    writes[#writes + 1] = entry
  end
  reply[i + 1] = entry
end
call_chunked('HSET', KEYS[1], writes)
return reply
