-- wrk script: PATCH /api/v1/events/{slug} (JSON merge patch, If-Match: *, an admin key; a PATCH takes no
-- Idempotency-Key: under If-Match it is safe to repeat),
-- spread over live events so that concurrent patches rarely meet on one row (bench/run.sh fills in __KEY__,
-- __RUN__ and __SLUGS__).
local counter = 0
local threads = 0
local slugs = { __SLUGS__ }

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  started = os.time()
  math.randomseed(started + tid)
end

request = function()
  counter = counter + 1
  local slug = slugs[math.random(#slugs)]
  local body = string.format('{"venue":{"en":"Hall %d"},"city":{"en":"Almaty"}}', counter)
  return wrk.format("PATCH", "/api/v1/events/" .. slug, {
    ["Content-Type"] = "application/merge-patch+json",
    ["Authorization"] = "Bearer __KEY__",
    ["If-Match"] = "*",
  }, body)
end
