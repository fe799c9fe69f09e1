-- wrk script for bench/api_load.py: replays a request list, counts non-2xx, prints one JSON line.
--
-- The request list (env API_LOAD_REQUESTS, a file) has one request a line: "<token> <path>".
-- Each wrk thread starts at its own random line and walks the list cyclically, so the 50 connections
-- ask for different cases, pages and users. Every request carries X-Forwarded-Proto: https, as the
-- TLS-terminating nginx in front of the production settings sends it.
--
-- With API_LOAD_THINK_MS set, each connection waits a random 0.5–1.5 times that long before each
-- request: people reading a page between clicks instead of clients firing back to back. Keep the
-- longest pause (1.5×) under gunicorn's keep-alive (5 s), or the server closes idle connections and
-- wrk counts the next request on each as a read error.
--
-- done() prints "API_LOAD_RESULT {json}" with requests, seconds, requests/s, latency percentiles in
-- milliseconds (wrk's own histogram) and the counts of non-2xx responses and socket errors.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local lines = {}

function init(args)
  local file = assert(io.open(os.getenv("API_LOAD_REQUESTS"), "r"))
  for line in file:lines() do
    local token, path = line:match("^(%S+)%s+(%S+)$")
    if token then
      table.insert(lines, { token, path })
    end
  end
  file:close()
  assert(#lines > 0, "empty request list")
  math.randomseed(os.time() * 1000 + id)
  position = math.random(#lines)
  non2xx = 0
  first_bad = ""
  think = tonumber(os.getenv("API_LOAD_THINK_MS") or "0")
end

if (tonumber(os.getenv("API_LOAD_THINK_MS") or "0")) > 0 then
  function delay()
    return math.floor(think * (0.5 + math.random()))
  end
end

function request()
  position = position % #lines + 1
  local line = lines[position]
  return wrk.format("GET", line[2], {
    ["Authorization"] = "Token " .. line[1],
    ["X-Forwarded-Proto"] = "https",
    ["Accept"] = "application/json",
  })
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 200)
    end
  end
end

local function escape(s)
  return (s:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end))
end

function done(summary, latency, requests)
  local bad, example = 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    if example == "" then
      example = thread:get("first_bad")
    end
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format(
    'API_LOAD_RESULT {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p90_ms": %.2f, '
      .. '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.2f, "non2xx": %d, '
      .. '"socket_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, '
      .. '"timeouts": %d, "first_bad": "%s"}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000, bad,
    errors.connect + errors.read + errors.write + errors.timeout, errors.connect, errors.read, errors.write,
    errors.timeout, escape(example)
  ))
end
