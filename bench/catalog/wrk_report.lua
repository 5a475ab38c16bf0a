-- wrk script for the catalog benchmark.
--
-- Arguments after "--" are request paths (already URL-encoded) to rotate through,
-- e.g. one search per query so the anonymous cache cannot help. Without arguments
-- every request asks for the URL given on the command line.
-- When the run ends, prints one line "BENCH_JSON {...}" that run.py parses.

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local paths = {}
local counter = 0
local fixed_request = nil

function init(args)
  for i = 1, #args do
    paths[#paths + 1] = args[i]
  end
  -- Threads start at different offsets so they do not ask the same query in step.
  counter = (tonumber(thread_id) or 0) * 7
  if #paths == 0 then
    fixed_request = wrk.format(nil)
  end
end

function request()
  if fixed_request then
    return fixed_request
  end
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout
  ))
end
