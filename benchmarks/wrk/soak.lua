-- wrk script for benchmarks/soak.sh: every request picks one of the soak's calls by weight.
--   SOAK_WASM  0 leaves the WASM function out of the mix (when it could not be deployed)
-- done() prints one line "SOAK_JSON {...}": throughput, latency percentiles over all calls,
-- socket errors and answers by status class (an unknown route's 404 is expected, any other
-- status >= 400 is counted as unexpected).

local wasm = os.getenv("SOAK_WASM") ~= "0"
local body = '{"name":"soak"}'

-- weights in per mille: mostly the gateway's 404, WASM and native; a small share of PHP (a PHP
-- start costs ~50x a native one, so a larger share would make PHP alone set the pace)
local mix = {
   {600, wrk.format("GET", "/soak/no-such-route")},
   {150, wrk.format("POST", "/bench/native-hello", {["Content-Type"] = "application/json"}, body)},
   {20,  wrk.format("GET", "/bench/php-ping")},
}
if wasm then
   table.insert(mix, {230, wrk.format("POST", "/bench/wasm-hello", {["Content-Type"] = "application/json"}, body)})
end
local total = 0
for _, m in ipairs(mix) do total = total + m[1] end

local threads = {}
function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   math.randomseed(os.time() * 100 + id)
   ok, notfound, unexpected = 0, 0, 0
end

function request()
   local r = math.random(total)
   for _, m in ipairs(mix) do
      if r <= m[1] then return m[2] end
      r = r - m[1]
   end
   return mix[1][2]
end

function response(status, headers, body)
   if status == 404 then
      notfound = notfound + 1
   elseif status < 400 then
      ok = ok + 1
   else
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   local s = summary.duration / 1e6
   local e = summary.errors
   local okc, nf, bad = 0, 0, 0
   for _, t in ipairs(threads) do
      okc = okc + (t:get("ok") or 0)
      nf = nf + (t:get("notfound") or 0)
      bad = bad + (t:get("unexpected") or 0)
   end
   io.write(string.format(
      'SOAK_JSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,' ..
      '"lat_mean_us":%.1f,"lat_max_us":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,' ..
      '"ok":%d,"not_found":%d,"unexpected_status":%d,' ..
      '"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d}\n',
      summary.requests, s, summary.requests / s,
      latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
      okc, nf, bad, e.connect, e.read, e.write, e.timeout))
end
