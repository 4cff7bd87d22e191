-- The Lua half of every workload. bench/run.py writes one script per workload: a few lines
-- setting the request (wrk.method, wrk.path, wrk.headers, wrk.body, or a `request` function and
-- `prepare_thread` for bodies that differ per request) followed by this file.
-- Counts non-200 responses per thread and, when wrk is done, prints one line
-- "BENCH_RESULT {json}" with the totals and latency percentiles (microseconds).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  if prepare_thread then -- workloads whose body differs per request (run.unique_body_lua)
    prepare_thread(thread)
  end
end

function init(args)
  non200 = 0
  first_bad = ""
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(body or "", 1, 300)
    end
  end
end

local function json_string(s)
  local escaped = string.gsub(s, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. escaped .. '"'
end

function done(summary, latency, requests)
  local bad, sample = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non200") or 0)
    local s = thread:get("first_bad")
    if sample == "" and s then
      sample = s
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "non200": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, '
      .. '"sample": %s}\n',
    summary.requests, summary.duration, summary.bytes, bad,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, json_string(sample)))
end
