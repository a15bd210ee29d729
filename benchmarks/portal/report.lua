-- wrk reporter: one JSON line with throughput, latency percentiles (ms) and errors.
-- Every request carries the headers the TLS proxy in front of Revier sends (deploy/nginx), with
-- a client address out of 2^24 (documentation-free 10/8 numbers, never contacted: they are only
-- header text), so the API's per-address throttle sees many visitors as in real traffic.
wrk.headers["X-Forwarded-Proto"] = "https"
wrk.headers["Accept-Language"] = "de"

request = function()
  wrk.headers["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format()
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "rps": %.1f, "mean_ms": %.2f, "p50_ms": %.2f, ' ..
    '"p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "non_2xx": %d, "socket_errors": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  ))
end
