--[[
read_features: the feature engine's signals of one city as they stand, in one atomic read at one
store time (feature-state.ts): per signal, the panes that hold any instant of its horizon, oldest
first, and the orders-waiting gauge. The pane keys share the city's hash tag (ingest_events.lua).

KEYS[1] waiting hash: restaurant -> orders created and not yet picked up or cancelled

ARGV[1] pane key prefix (the city's, hash tag included)
ARGV[2] pane length, ms
ARGV[3..8] horizon ms of the signals prep_s, prep_ratio, created, zone_created, done, speed_mps

Returns {now, waiting (flat field, value list), panes of prep_s (list), ..., panes of speed_mps}
with a missing pane as ''.
]]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix, pane_ms = ARGV[1], tonumber(ARGV[2])
local signals = {'prep_s', 'prep_ratio', 'created', 'zone_created', 'done', 'speed_mps'}
local out = {now, redis.call('HGETALL', KEYS[1])}
for s = 1, #signals do
  local first = math.floor((now - tonumber(ARGV[2 + s]) + 1) / pane_ms)
  local names = {}
  for p = first, math.floor(now / pane_ms) do
    names[#names + 1] = prefix .. signals[s] .. ':' .. p
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
