import { createHash } from 'node:crypto';
import { ErrorReply } from 'redis';
import type { Connection, Connections } from './connections';

/**
 * The Lua scripts of the broker: each reads a stream's bookkeeping (XINFO) and acts on it in one
 * atomic step, so a position, a trim check or a group read never races a concurrent XADD/trim.
 * Run with EVALSHA, falling back to EVAL after a Redis restart emptied the script cache.
 */
export class Script {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run<T>(connections: Connections, keys: readonly string[], args: readonly string[], connection?: Connection): Promise<T> {
    try {
      return await connections.run<T>(['EVALSHA', this.sha, String(keys.length), ...keys, ...args], connection);
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      if (!(cause instanceof ErrorReply && cause.message.startsWith('NOSCRIPT'))) throw err;
    }
    return connections.run<T>(['EVAL', this.source, String(keys.length), ...keys, ...args], connection);
  }
}

const PRELUDE = `
local function parse(id) local d = string.find(id, '-', 1, true); return tonumber(string.sub(id, 1, d - 1)), tonumber(string.sub(id, d + 1)) end
local function cmp(a, b)
  local am, as = parse(a); local bm, bs = parse(b)
  if am ~= bm then return am < bm and -1 or 1 end
  if as ~= bs then return as < bs and -1 or 1 end
  return 0
end
local function field(flat, name) for i = 1, #flat, 2 do if flat[i] == name then return flat[i + 1] end end end
local function stats(key)
  local info = redis.call('XINFO', 'STREAM', key)
  return {added = field(info, 'entries-added'), length = field(info, 'length'),
    first = field(info, 'recorded-first-entry-id'), last = field(info, 'last-generated-id')}
end
-- How many entries were ever appended up to the id (a retained one, or the last): -1 when not countable.
local function indexOf(key, s, id, cap)
  if cmp(id, s.last) == 0 then return s.added end
  if s.length == 0 or cmp(id, s.first) < 0 then return -1 end
  local newer = redis.call('XRANGE', key, '(' .. id, '+', 'COUNT', cap)
  if #newer < cap then return s.added - #newer end
  local older = redis.call('XRANGE', key, '-', id, 'COUNT', cap)
  if #older < cap then return s.added - s.length + #older end
  return -1
end
`;

/*
 * Retention trims a stream from its head (XADD MAXLEN / MINID), so the entries ever trimmed are
 * exactly the (entries-added - length) oldest ones: a reader that knows how many entries were
 * appended up to its cursor (its "index") knows exactly how many it lost. Redis 7 does not record
 * trims in max-deleted-entry-id (only XDEL), so counting is the way.
 */

/**
 * Where a fan-out subscription starts. ARGV: mode (latest | earliest | after), id, counting cap.
 * Returns { 'ok', cursor, index } (index -1: not countable), { 'beyond', last } or { 'missing' }.
 */
export const POSITION = new Script(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local s = stats(KEYS[1])
if ARGV[1] == 'latest' then return {'ok', s.last, s.added} end
if ARGV[1] == 'earliest' then return {'ok', '0-0', s.added - s.length} end
if cmp(ARGV[2], s.last) > 0 then return {'beyond', s.last} end
return {'ok', ARGV[2], indexOf(KEYS[1], s, ARGV[2], tonumber(ARGV[3]))}
`);

/**
 * Did retention trim entries after a reader's cursor? ARGV: cursor, first id it read, count, index.
 * { 0 }: nothing lost. { 1, gone }: lost, and the batch read stands (gone: how many entries were
 * ever trimmed). { 2, gone, last, entries }: lost, and the batch itself has been trimmed since:
 * these are the entries to read instead (after `last` when there are none).
 * With an unknown index, any trim past the cursor counts as a loss.
 */
export const TRIM_CHECK = new Script(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local s = stats(KEYS[1])
local gone = s.added - s.length
if cmp(ARGV[1], s.last) >= 0 or (s.length > 0 and cmp(ARGV[1], s.first) >= 0) then return {0} end
local index = tonumber(ARGV[4])
if index >= 0 and gone <= index then return {0} end
if s.length > 0 and cmp(ARGV[2], s.first) >= 0 then return {1, gone} end
return {2, gone, s.last, redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[3])}
`);

/**
 * Creates a consumer group unless it exists. ARGV: group, mode (latest | earliest | after), id, cap.
 * The group's entries-read is always set (Redis leaves it unknown otherwise, and would then never
 * notice a trim), so that GROUP_READ can tell trimmed records apart. Returns 'ok', or 'beyond'
 * when the id is past the end of the stream.
 */
export const GROUP_CREATE = new Script(`${PRELUDE}
local s = redis.call('EXISTS', KEYS[1]) == 1 and stats(KEYS[1]) or nil
local start, read = '$', s and s.added or 0
if ARGV[2] == 'earliest' then start, read = '0', s and (s.added - s.length) or 0 end
if ARGV[2] == 'after' then
  start, read = '0', 0
  if s then
    if cmp(ARGV[3], s.last) > 0 then return 'beyond' end
    start, read = ARGV[3], indexOf(KEYS[1], s, ARGV[3], tonumber(ARGV[4]))
  end
end
local create = {'XGROUP', 'CREATE', KEYS[1], ARGV[1], start, 'MKSTREAM'}
if read >= 0 then create[7] = 'ENTRIESREAD'; create[8] = read end
local ok, err = pcall(redis.call, unpack(create))
if not ok then
  local message = type(err) == 'table' and (err.err or err[1]) or tostring(err)
  if not string.find(message, 'BUSYGROUP', 1, true) then return redis.error_reply(message) end
end
return 'ok'
`);

/**
 * A group member's read. ARGV: group, consumer, count, onTrimmed, min idle to reclaim (-1: skip).
 * First records idle past their ack timeout (XAUTOCLAIM) → { 'claimed', 0, entries }; then checks
 * whether entries the group never read were trimmed: its lag (entries appended but not read, which
 * Redis counts from the entries-read that GROUP_CREATE set) exceeds the stream's length by the
 * number lost → { 'trimmed', lost } with onTrimmed 'error', reading nothing; else reads →
 * { 'read', lost, entries } (after a skip, entries-read is set right). { 'nogroup' } when the
 * stream or the group is gone (expired).
 */
export const GROUP_READ = new Script(`${PRELUDE}
if redis.call('EXISTS', KEYS[1]) == 0 then return {'nogroup'} end
local group
for _, g in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
  if field(g, 'name') == ARGV[1] then group = g end
end
if not group then return {'nogroup'} end
if tonumber(ARGV[5]) >= 0 then
  local claimed = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[5], '0-0', 'COUNT', ARGV[3])
  if #claimed[2] > 0 then return {'claimed', 0, claimed[2]} end
end
local lag, read = field(group, 'lag'), field(group, 'entries-read')
local lost = 0
if lag and read then
  local length = redis.call('XLEN', KEYS[1])
  if lag > length then
    lost = lag - length
    if ARGV[4] == 'error' then return {'trimmed', lost} end
  end
end
local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
local entries = reply and reply[1][2] or {}
if lost > 0 then
  local id = #entries > 0 and entries[#entries][1] or '$'
  redis.call('XGROUP', 'SETID', KEYS[1], ARGV[1], id, 'ENTRIESREAD', read + lost + #entries)
end
return {'read', lost, entries}
`);

/**
 * A member leaves: its pending entries go to the consumer '__released' with a huge idle time, so
 * the next XAUTOCLAIM of any other member takes them at once; then the member is deleted.
 * ARGV: group, consumer, idle.
 */
export const GROUP_RELEASE = new Script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local moved = 0
for _ = 1, 1000 do
  local ok, pending = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], '-', '+', 100, ARGV[2])
  if not ok or #pending == 0 then break end
  local args = {'XCLAIM', KEYS[1], ARGV[1], '__released', '0'}
  for _, p in ipairs(pending) do args[#args + 1] = p[1] end
  args[#args + 1] = 'IDLE'; args[#args + 1] = ARGV[3]; args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
  moved = moved + #pending
end
pcall(redis.call, 'XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return moved
`);
