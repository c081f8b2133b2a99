-- wrk script for the faasj benchmark suite. Configured through the environment:
--   BENCH_METHOD      request method (default GET)
--   BENCH_BODY_BYTES  size of a JSON request body, 0 for none (default 0)
--   BENCH_CLOSE       1 to send "Connection: close" (a new TCP connection per request)
--   BENCH_EXPECT      a status every answer must have (e.g. 404 for the unknown route); then
--                     errors count answers with any other status instead of wrk's status >= 400
-- done() prints one line "BENCH_JSON {...}" with throughput, latency percentiles and errors.

local method = os.getenv("BENCH_METHOD") or "GET"
local body_bytes = tonumber(os.getenv("BENCH_BODY_BYTES") or "0") or 0
local close = os.getenv("BENCH_CLOSE") == "1"
local expect = tonumber(os.getenv("BENCH_EXPECT") or "")

wrk.method = method
if close then
   wrk.headers["Connection"] = "close"
end
if body_bytes > 0 then
   -- {"name":"bench","pad":"xxx..."} padded to exactly body_bytes bytes
   local head = '{"name":"bench","pad":"'
   local tail = '"}'
   local pad = body_bytes - #head - #tail
   if pad < 0 then pad = 0 end
   wrk.body = head .. string.rep("x", pad) .. tail
   wrk.headers["Content-Type"] = "application/json"
end

local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

if expect then
   -- only defined when needed: wrk calls response() for every answer, which costs throughput
   unexpected = 0
   function response(status, headers, body)
      if status ~= expect then
         unexpected = unexpected + 1
      end
   end
end

function done(summary, latency, requests)
   local s = summary.duration / 1e6
   local e = summary.errors
   local socket_errors = e.connect + e.read + e.write + e.timeout
   local status_errors = e.status
   if expect then
      status_errors = 0
      for _, t in ipairs(threads) do
         status_errors = status_errors + (t:get("unexpected") or 0)
      end
   end
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"bytes":%d,' ..
      '"lat_mean_us":%.1f,"lat_max_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
      '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"err_status":%d,' ..
      '"errors":%d}\n',
      summary.requests, s, summary.requests / s, summary.bytes,
      latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      e.connect, e.read, e.write, e.timeout, status_errors,
      socket_errors + status_errors))
end
