-- wrk script: POST /api/v1/events with an admin key, a new slug each time (bench/run.sh fills in __KEY__ and __RUN__).
local counter = 0
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

-- bench/run.sh runs every scenario twice (a warm-up, then the measured run): the clock keeps their slugs apart.
function init(args)
  started = os.time()
end

request = function()
  counter = counter + 1
  local slug = string.format("bench-__RUN__-%d-%d-%d", started, tid, counter)
  local body = string.format(
    '{"slug":"%s","title":{"en":"Benchmark seminar","ru":"Семинар"},"kind":"seminar","status":"scheduled",' ..
    '"startDate":"2025-03-01","endDate":"2025-03-01","country":"KZ",' ..
    '"organizers":[{"institution":"institution-0","role":"organizer"}]}', slug)
  -- As a partner's script writes: each create with its own Idempotency-Key (the write ceiling runs its statements too).
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer __KEY__",
    ["Idempotency-Key"] = slug,
  }, body)
end
