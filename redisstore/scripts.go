package redisstore

import "github.com/redis/go-redis/v9"

// The scripts. Each touches KEYS[1] alone, the consultation's hash; ARGV[1] and ARGV[2] are
// always the expiry for a consultation in progress and for an ended one, in milliseconds.
// Replies are a status word followed by the hash's fields and values.

// expire is shared by every script: the key lives MaxAge, or Retention once ended.
const expire = `
local function expire()
  local ended = redis.call('HGET', KEYS[1], 'ended')
  if ended and ended ~= '' then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  else
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
  end
end
`

// createScript stores the fields ARGV[3..] with v = 1 unless the key exists.
var createScript = redis.NewScript(expire + `
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {'EXISTS', redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('HSET', KEYS[1], 'v', 1)
expire()
return {'OK', redis.call('HGETALL', KEYS[1])}
`)

// updateScript replaces the hash with the fields ARGV[4..] if its v equals ARGV[3].
var updateScript = redis.NewScript(expire + `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then
  return {'NOTFOUND', {}}
end
if v ~= ARGV[3] then
  return {'CONFLICT', {}}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
redis.call('HSET', KEYS[1], 'v', tonumber(v) + 1)
expire()
return {'OK', redis.call('HGETALL', KEYS[1])}
`)

// participantScript records one token issued to a participant, by the rule of
// video.Consultation.AddParticipant, if the pin is ARGV[3]/ARGV[4] and the consultation has not
// ended. ARGV[5] is the participant's field prefix, ARGV[6] the issue
// time in microseconds.
var participantScript = redis.NewScript(expire + `
local h = redis.call('HMGET', KEYS[1], 'v', 'provider', 'room', 'ended')
if not h[1] then
  return {'NOTFOUND', {}}
end
if h[4] and h[4] ~= '' then
  return {'ENDED', redis.call('HGETALL', KEYS[1])}
end
if h[2] ~= ARGV[3] or h[3] ~= ARGV[4] then
  return {'CONFLICT', redis.call('HGETALL', KEYS[1])}
end
local p = ARGV[5]
redis.call('HSET', KEYS[1], p .. 'provider', ARGV[3], p .. 'room', ARGV[4])
local first = redis.call('HGET', KEYS[1], p .. 'first')
if not first or tonumber(ARGV[6]) < tonumber(first) then
  redis.call('HSET', KEYS[1], p .. 'first', ARGV[6])
end
local last = redis.call('HGET', KEYS[1], p .. 'last')
if not last or tonumber(ARGV[6]) > tonumber(last) then
  redis.call('HSET', KEYS[1], p .. 'last', ARGV[6])
end
redis.call('HINCRBY', KEYS[1], p .. 'tokens', 1)
redis.call('HINCRBY', KEYS[1], 'v', 1)
expire()
return {'OK', redis.call('HGETALL', KEYS[1])}
`)

// appendScript sets field ARGV[4] (with the issue sequence number appended when ARGV[3] is
// "seq") to ARGV[5] on an existing consultation. A sequenced append equal to the last one is
// the same append run again (the client retries a command whose connection failed after the
// script ran): it is not appended twice.
var appendScript = redis.NewScript(expire + `
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'NOTFOUND', {}}
end
local field = ARGV[4]
if ARGV[3] == 'seq' then
  local seq = redis.call('HGET', KEYS[1], 'iseq')
  if seq and redis.call('HGET', KEYS[1], field .. seq) == ARGV[5] then
    return {'OK', redis.call('HGETALL', KEYS[1])}
  end
  field = field .. redis.call('HINCRBY', KEYS[1], 'iseq', 1)
end
redis.call('HSET', KEYS[1], field, ARGV[5])
redis.call('HINCRBY', KEYS[1], 'v', 1)
expire()
return {'OK', redis.call('HGETALL', KEYS[1])}
`)
