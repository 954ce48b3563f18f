--[[
read_features: the feature engine's signals of one city as they stand, in one atomic read at one
store time (feature-state.ts): per signal asked for, the panes that hold any instant of its
horizon, oldest first, and the orders-waiting gauge. The pane keys share the city's hash tag
(ingest_events.lua). A tick asks only for the signals its ETA model reads.

Panes are append-only and a pane takes appends only during its own minute, so a reader that
mirrors them (redis-feature-mirror.ts) asks, per signal, only for what it does not hold: from
pane `from`, skipping the `offset` bytes of it it has read. That holds while the city's epoch is
the one it read with; after a loss of the keys it is another, and the panes come whole again.

KEYS[1] waiting hash: restaurant -> orders created and not yet picked up or cancelled
KEYS[2] epoch string (ingest_events.lua)

ARGV[1] pane key prefix (the city's, hash tag included)
ARGV[2] pane length, ms
ARGV[3] the epoch the reader's from/offset were read under ('' for none: read whole)
ARGV[4..] per signal asked for, four fields: its name, its horizon ms, from (a pane index), offset (bytes)

Returns {now, epoch or '', waiting (flat field, value list), then per signal asked for
{first pane index returned, pane, pane, ...}} with a missing pane as ''. A first pane other than
the reader's `from` means: these panes are whole, drop what you hold of this signal.
]]

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local prefix, pane_ms = ARGV[1], tonumber(ARGV[2])
local epoch = redis.call('GET', KEYS[2]) or ''
local resume = ARGV[3] ~= '' and ARGV[3] == epoch
local out = {now, epoch, redis.call('HGETALL', KEYS[1])}
local current = math.floor(now / pane_ms)
for s = 4, #ARGV, 4 do
  local first = math.floor((now - tonumber(ARGV[s + 1]) + 1) / pane_ms)
  local from, offset = tonumber(ARGV[s + 2]), tonumber(ARGV[s + 3])
  -- A pane shorter than what the reader read of it lost appends (a failover to a replica that
  -- lagged): the reader starts that signal again, as it does when its panes left the horizon.
  if not resume or from < first or (offset > 0 and redis.call('STRLEN', prefix .. ARGV[s] .. ':' .. from) < offset) then
    from, offset = first, 0
  end
  local panes = {from}
  for p = from, current do
    local name = prefix .. ARGV[s] .. ':' .. p
    panes[#panes + 1] = (p == from and offset > 0) and redis.call('GETRANGE', name, offset, -1) or (redis.call('GET', name) or '')
  end
  out[#out + 1] = panes
end
return out
