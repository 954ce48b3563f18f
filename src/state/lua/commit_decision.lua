--[[
commit_decision: the fenced commit of one dispatch decision for one city: all or nothing, or
per pickup (ARGV[6] = "1": the pickups whose orders and courier are all still dispatchable are
committed, the others are dropped and reported, so one changed item does not void a decision).
Records are fields joined by "|" with the status last (see redis-records.ts). An offer is
outstanding while its expiry score is in the future.

A decision's assignments are grouped into pickups: each run of consecutive assignments to one
courier is one pickup (decision.ts pickupsOf; the caller has checked that a courier has one run),
its orders in delivery sequence. The n-th pickup of version v has id "p<v>.<n>". Every order of
a pickup must be picked up where its first order is (the same pickup lat|lng text).

KEYS[1] fence hash: token (highest fencing token seen), version (decisions committed)
KEYS[2] couriers hash: courier id -> "id|lat|lng|speed|freeAt|status"; status must be "free"
KEYS[3] orders hash: order id -> "id|pickup lat|lng|dropoff lat|lng|readyAt|status"; status must be "pending"
KEYS[4] courier offers hash: courier id -> its offer's pickup id (redis-records.ts)
KEYS[5] order offers hash: order id -> its offer's pickup id
KEYS[6] courier offer expiry sorted set: courier id scored by expiresAt
KEYS[7] order offer expiry sorted set: order id scored by expiresAt
KEYS[8] decisions stream
KEYS[9] pickups hash: pickup id -> "courier|version|expiresAt|order|order|..."
KEYS[10] revision hash: the change log (change_log.lua), trimmed here (a commit writes no record)
KEYS[11] courier changes sorted set: courier id -> the revision that last wrote it
KEYS[12] order changes sorted set: order id -> the revision that last wrote it

ARGV[1] fencing token of the decision (integer)
ARGV[2] holder that computed it (host id / boot id)
ARGV[3] offer TTL in milliseconds
ARGV[4] stream max length (approximate trimming)
ARGV[5] assignments as JSON: [[order id, courier id], ...]
ARGV[6] "1": per pickup; otherwise all or nothing
ARGV[7] the solve's objective in deciseconds, "" when the decision records none
ARGV[8] its certificate: "checked" or "none" (recorded as given; the host checks it)
ARGV[9] "": the city's next version; a version: this is a shard's part of that decision, opened in
        the city's base slot (open_decision.lua), and the shard's fence version is set to it
ARGV[10] pickups before this part (a shard's part: those of the earlier parts); "0" otherwise

Returns one of
  {"ok", version, committed-at ms, dropped}   the decision (less its dropped pickups) is committed;
                                     dropped is JSON [[pickup number in the given decision, kind,
                                     id, state], ...] (the first conflict of each), "[]" if none
  {"fence_missing"}                  the fence is gone: nothing is committed until it is re-seeded
  {"stale_token", fence token}       a newer holder has committed or been fenced in
  {"conflict", "order" | "courier", id, state}   the first item not dispatchable; state is
                                     "missing", its status, "offered" (outstanding offer), or
                                     "pickup_mismatch" (an order of a pickup picked up elsewhere
                                     than the pickup's first order); per pickup, only when
                                     every pickup has one
Nothing changes unless the result is "ok". Times are Redis server time.
]]

local fence = redis.call('HMGET', KEYS[1], 'token', 'version')
if not fence[1] then
  return {'fence_missing'}
end
local token = tonumber(ARGV[1])
if token < tonumber(fence[1]) then
  return {'stale_token', fence[1]}
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- include: call_chunked

local assignments = cjson.decode(ARGV[5])
-- first[i]: the index of the first assignment of i's pickup; pickup_of[i]: its pickup's number.
local order_ids, courier_ids, first, pickup_of = {}, {}, {}, {}
local pickups = 0
local n_assignments = #assignments
for i, pair in ipairs(assignments) do
  order_ids[i] = pair[1]
  courier_ids[i] = pair[2]
  if i > 1 and courier_ids[i] == courier_ids[i - 1] then
    first[i] = first[i - 1]
  else
    first[i] = i
    pickups = pickups + 1
  end
  pickup_of[i] = pickups
end

-- The status is the last field: a suffix comparison (found in place, no substring made) is
-- enough unless it does not match.
local function conflict(kind, id, record, expires_at, wanted_suffix)
  if not record then
    return {'conflict', kind, id, 'missing'}
  end
  if not string.find(record, wanted_suffix, #record - #wanted_suffix + 1, true) then
    return {'conflict', kind, id, string.match(record, '[^|]*$')}
  end
  if expires_at and tonumber(expires_at) > now then
    return {'conflict', kind, id, 'offered'}
  end
  return nil
end

-- "pickup lat|lng" of an order record: the same text means the same place.
local function pickup_place(record)
  return string.match(record, '^[^|]*|([^|]*|[^|]*)|')
end

local order_records = call_chunked('HMGET', KEYS[3], order_ids)
local courier_records = call_chunked('HMGET', KEYS[2], courier_ids)
local order_expiry = call_chunked('ZMSCORE', KEYS[7], order_ids)
local courier_expiry = call_chunked('ZMSCORE', KEYS[6], courier_ids)
local partial = ARGV[6] == '1'
-- pickup_conflict[n]: the first conflict of pickup n; the first of all when nothing can be kept.
local pickup_conflict, first_conflict = {}, nil
for i = 1, n_assignments do
  if not pickup_conflict[pickup_of[i]] then
    local found = conflict('order', order_ids[i], order_records[i], order_expiry[i], '|pending')
    local lead = order_records[first[i]]
    if not found and first[i] ~= i and lead and pickup_place(lead) ~= pickup_place(order_records[i]) then
      found = {'conflict', 'order', order_ids[i], 'pickup_mismatch'}
    end
    found = found or conflict('courier', courier_ids[i], courier_records[i], courier_expiry[i], '|free')
    if found then
      if not partial then
        return found
      end
      pickup_conflict[pickup_of[i]] = found
      first_conflict = first_conflict or found
    end
  end
end
-- kept: indices of the assignments committed (whole pickups, in the given order).
local kept, dropped = {}, {}
for i = 1, n_assignments do
  local found = pickup_conflict[pickup_of[i]]
  if not found then
    kept[#kept + 1] = i
  elseif first[i] == i then
    dropped[#dropped + 1] = {pickup_of[i], found[2], found[3], found[4]}
  end
end
if #kept == 0 then
  return first_conflict
end

-- The change log keeps as many entries as twice the records and a thousand more (every record's
-- last change, and the deleted ones' for readers a little behind); the oldest beyond that go and
-- the floor rises to them: a reader holding an older revision reads whole (read_snapshot.lua).
local function trim_changes(records_key, changes_key)
  local excess = redis.call('ZCARD', changes_key) - 2 * redis.call('HLEN', records_key) - 1000
  if excess > 0 then
    local last = redis.call('ZRANGE', changes_key, excess - 1, excess - 1, 'WITHSCORES')
    redis.call('ZREMRANGEBYRANK', changes_key, 0, excess - 1)
    local floor = tonumber(redis.call('HGET', KEYS[10], 'floor') or '0')
    redis.call('HSET', KEYS[10], 'floor', string.format('%d', math.max(floor, tonumber(last[2]))))
  end
end
trim_changes(KEYS[2], KEYS[11])
trim_changes(KEYS[3], KEYS[12])

redis.call('HSET', KEYS[1], 'token', ARGV[1])
local version
if ARGV[9] == '' then
  version = redis.call('HINCRBY', KEYS[1], 'version', 1)
else
  version = tonumber(ARGV[9])
  redis.call('HSET', KEYS[1], 'version', ARGV[9])
end
local expires_at = string.format('%d', now + tonumber(ARGV[3]))
-- The text every offer of this version shares, made once: a number joined into a string is
-- formatted anew each time, and this loop runs once per assignment.
local version_text = string.format('%d', version)
local entry_head = '|' .. version_text .. '|' .. expires_at
local pickup_id_head = 'p' .. version_text .. '.'
local order_offers, courier_offers, order_scores, courier_scores, pickup_entries = {}, {}, {}, {}, {}
local n_orders, n_couriers, n_pickups = 0, 0, 0
local entry, pickup_id
local pickup_number = tonumber(ARGV[10])
for _, i in ipairs(kept) do
  local order_id, courier_id = order_ids[i], courier_ids[i]
  if first[i] == i then
    pickup_number = pickup_number + 1
    pickup_id = pickup_id_head .. pickup_number
    courier_offers[n_couriers + 1], courier_offers[n_couriers + 2] = courier_id, pickup_id
    courier_scores[n_couriers + 1], courier_scores[n_couriers + 2] = expires_at, courier_id
    n_couriers = n_couriers + 2
    -- A pickup has a few orders: joined as they come, its first with the head in one concatenation.
    entry = courier_id .. entry_head .. '|' .. order_id
  else
    entry = entry .. '|' .. order_id
  end
  order_offers[n_orders + 1], order_offers[n_orders + 2] = order_id, pickup_id
  order_scores[n_orders + 1], order_scores[n_orders + 2] = expires_at, order_id
  n_orders = n_orders + 2
  -- A kept pickup is kept whole: it ends where the given decision's pickup ends.
  if i == n_assignments or first[i + 1] == i + 1 then
    pickup_entries[n_pickups + 1], pickup_entries[n_pickups + 2] = pickup_id, entry
    n_pickups = n_pickups + 2
  end
end
-- Redis fills a new hash as a listpack, finding each field by a scan, until it holds
-- hash-max-listpack-entries fields: quadratic, ~1 ms for 500 fields against ~0.2 ms in a hash
-- table. The purge of lapsed offers empties (deletes) these hashes, so without this every commit
-- of many offers would refill listpacks. A value longer than hash-max-listpack-value makes the
-- hash a table at once: for more fields than the default hash-max-listpack-entries, a placeholder
-- under the field '' (no id is empty) is written first and deleted last, within this script, so
-- no reader sees it. Only the speed depends on the server's settings.
local LISTPACK_FIELDS = 128
local placeholder = string.rep('-', 1024)
local function hset_many(key, fields)
  local bulk = #fields > 2 * LISTPACK_FIELDS
  if bulk then
    redis.call('HSET', key, '', placeholder)
  end
  call_chunked('HSET', key, fields)
  if bulk then
    redis.call('HDEL', key, '')
  end
end
hset_many(KEYS[5], order_offers)
hset_many(KEYS[4], courier_offers)
call_chunked('ZADD', KEYS[7], order_scores)
call_chunked('ZADD', KEYS[6], courier_scores)
hset_many(KEYS[9], pickup_entries)
local committed = ARGV[5]
if #dropped > 0 then
  local pairs_kept = {}
  for n, i in ipairs(kept) do
    pairs_kept[n] = {order_ids[i], courier_ids[i]}
  end
  committed = cjson.encode(pairs_kept)
end
redis.call('XADD', KEYS[8], 'MAXLEN', '~', ARGV[4], '*',
  'version', version, 'token', ARGV[1], 'holder', ARGV[2],
  'at', string.format('%d', now), 'assignments', committed,
  'objective', ARGV[7], 'certificate', ARGV[8])
return {'ok', version, string.format('%d', now), #dropped > 0 and cjson.encode(dropped) or '[]'}
