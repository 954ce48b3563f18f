-- Commands take many arguments at once (far fewer calls for a decision of thousands of assignments), in
-- chunks that stay below Lua's unpack limit; replies of the chunks are concatenated.
local CHUNK = 1000
local function call_chunked(command, key, args)
  local replies = {}
  for i = 1, #args, CHUNK do
    local reply = redis.call(command, key, unpack(args, i, math.min(i + CHUNK - 1, #args)))
    if type(reply) == 'table' then
      for _, value in ipairs(reply) do
        replies[#replies + 1] = value
      end
    end
  end
  return replies
end
