-- wrk script for bench/checkin_bench.py: the requests a phone sends, and one summary line.
--
--   wrk ... -s bench/wrk_checkin.lua URL -- get
--   wrk ... -s bench/wrk_checkin.lua DOOR_URL -- post SESSION FORMS_FILE THREADS
--
-- get:  a plain GET of URL (/healthz, the week page).
-- post: check-in POSTs, each one the form of its own door page: FORMS_FILE holds one line per
--       request, "urlencoded body<TAB>phone code", minted by the bench beforehand (every form
--       carries a one-time token, so a form sent twice would count once and answer 409).
--       Thread n of THREADS sends lines n, n + THREADS, n + 2 * THREADS, ...
-- SESSION is the session cookie the bench got with one GET of the door page.

local mode, session, lines, threads
local counter = 0
local made = 0
thread_no = 0  -- a global: setup() sets it in each thread's own Lua state

function setup(thread)
  made = made + 1
  thread:set("thread_no", made)
end

function init(args)
  mode, session = args[1] or "get", args[2]
  if mode ~= "get" then
    threads = tonumber(args[4])
    lines = {}
    for line in io.lines(args[3]) do
      lines[#lines + 1] = line
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

function request()
  if mode == "get" then
    return wrk.request()
  end
  local index = thread_no + counter * threads
  counter = counter + 1
  local line = lines[(index - 1) % #lines + 1]
  local tab = string.find(line, "\t", 1, true)
  wrk.headers["Cookie"] = "session=" .. session .. "; checkin_phone=" .. string.sub(line, tab + 1)
  return wrk.format(nil, nil, nil, string.sub(line, 1, tab - 1))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
