-- The portal's reporter (headers as nginx sends them, one JSON line), but every request goes to
-- the home page of a random municipality: SCALE_N synthetic ones (grow.py's AGS), or the demo's
-- two with modules when there are none.
dofile(os.getenv("REPORT_LUA"))

local n = tonumber(os.getenv("SCALE_N") or "0")
local demo = {"/zeitz/", "/naumburg/"}

request = function()
  wrk.headers["X-Forwarded-For"] = string.format(
    "10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local path
  if n > 0 then
    local i = math.random(0, n - 1)
    local rest = math.floor(i / 16)
    path = string.format("/g-%02d0%02d%03d/", i % 16 + 1, rest % 40, math.floor(rest / 40) + 100)
  else
    path = demo[math.random(1, 2)]
  end
  return wrk.format("GET", path)
end
