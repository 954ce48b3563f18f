--[[
read_features: the feature engine's signals of one city as they stand, in one atomic read at one
store time (feature-state.ts): per signal asked for, the panes that hold any instant of its
horizon, oldest first, and the orders-waiting gauge. The pane keys share the city's hash tag
(ingest_events.lua). A tick asks only for the signals its ETA model reads.

KEYS[1] waiting hash: restaurant -> orders created and not yet picked up or cancelled

ARGV[1] pane key prefix (the city's, hash tag included)
ARGV[2] pane length, ms
ARGV[3..] per signal asked for: its name, then its horizon ms

Returns {now, waiting (flat field, value list), panes of the first signal asked for (list), ...}
with a missing pane as ''.
]]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix, pane_ms = ARGV[1], tonumber(ARGV[2])
local out = {now, redis.call('HGETALL', KEYS[1])}
for s = 3, #ARGV, 2 do
  local first = math.floor((now - tonumber(ARGV[s + 1]) + 1) / pane_ms)
  local names = {}
  for p = first, math.floor(now / pane_ms) do
    names[#names + 1] = prefix .. ARGV[s] .. ':' .. p
  end
  local panes = redis.call('MGET', unpack(names))
  for i = 1, #panes do
    if not panes[i] then
      panes[i] = ''
    end
  end
  out[#out + 1] = panes
end
return out
