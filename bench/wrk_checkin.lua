-- wrk script for bench/checkin_bench.py: the requests a phone sends, and one summary line.
--
--   wrk ... -s bench/wrk_checkin.lua URL -- get
--   wrk ... -s bench/wrk_checkin.lua DOOR_URL -- repeat SESSION BODY PHONE_KEY
--   wrk ... -s bench/wrk_checkin.lua DOOR_URL -- new SESSION BODY RUN_NONCE
--
-- get:    a plain GET of URL (/healthz, the week page).
-- repeat: the check-in POST of one remembered phone, again and again: the one-a-day path
--         (the first one counts a visit, every later one changes that same visit).
-- new:    the check-in POST of a new remembered phone every time: a new visit and a new
--         yearly hash per request. Keys are RUN_NONCE (14 characters) + thread + counter,
--         32 characters like a real device key, so no two requests share a phone.
-- SESSION is the session cookie and BODY the urlencoded form (CSRF token, day, activity)
-- that the bench got once with a GET of the door page.

local mode, session, body, extra
local counter = 0
local made = 0
thread_no = 0  -- a global: setup() sets it in each thread's own Lua state

function setup(thread)
  made = made + 1
  thread:set("thread_no", made)
end

function init(args)
  mode, session, body, extra = args[1] or "get", args[2], args[3], args[4]
  if mode ~= "get" then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
    wrk.headers["Cookie"] = "session=" .. session .. "; checkin_phone=" .. extra
  end
end

function request()
  if mode ~= "new" then
    return wrk.request()
  end
  counter = counter + 1
  local key = string.format("%s%02d%016d", extra, thread_no, counter)
  wrk.headers["Cookie"] = "session=" .. session .. "; checkin_phone=" .. key
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
