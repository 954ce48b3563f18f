--[[
open_decision: opens the next decision version of a city of several area shards, in the city's
base slot (docs/scaling.md, "Area shards"), fenced as a commit is. The decision is recorded in the
base stream with no assignments: its parts are then committed in the shards, in shard order, with
this version (commit_decision.lua ARGV[9]). A decision every part of which is dropped, or whose
holder stops before its parts, stays recorded as it is, so the log's versions stay contiguous.

KEYS[1] fence hash: token (highest fencing token seen), version (decisions opened)
KEYS[2] decisions stream: the decisions' heads (their parts are in the shards' streams)

ARGV[1] fencing token of the decision (integer)
ARGV[2] holder that computed it (host id / boot id)
ARGV[3] stream max length (approximate trimming)
ARGV[4] the solve's objective in deciseconds, "" when the decision records none
ARGV[5] its certificate: "checked" or "none"

Returns {"ok", version, opened-at ms}, {"fence_missing"} or {"stale_token", fence token}, as
commit_decision.lua; nothing changes unless the result is "ok".
]]

local fence = redis.call('HMGET', KEYS[1], 'token', 'version')
if not fence[1] then
  return {'fence_missing'}
end
if tonumber(ARGV[1]) < tonumber(fence[1]) then
  return {'stale_token', fence[1]}
end
local time = redis.call('TIME')
local now = string.format('%d', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
redis.call('HSET', KEYS[1], 'token', ARGV[1])
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*',
  'version', version, 'token', ARGV[1], 'holder', ARGV[2], 'at', now, 'assignments', '[]',
  'objective', ARGV[4], 'certificate', ARGV[5])
return {'ok', version, now}
