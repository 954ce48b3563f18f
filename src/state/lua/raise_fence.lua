--[[
raise_fence: raises a city's fence to at least a given token and version (never lowers it).
Used when a holder acquires a city, when a lease is released (the bumped token fences the old
holder at once) and to re-seed a lost fence from the lease store and the durable decision log.

KEYS[1] fence hash: token (highest fencing token seen), version (decisions committed)

ARGV[1] token floor (integer)
ARGV[2] version floor (integer)

Returns {token, version}: the fence after the call.
]]

local fence = redis.call('HMGET', KEYS[1], 'token', 'version')
local token = math.max(tonumber(fence[1] or '0'), tonumber(ARGV[1]))
local version = math.max(tonumber(fence[2] or '0'), tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'token', string.format('%d', token), 'version', string.format('%d', version))
return {string.format('%d', token), string.format('%d', version)}
