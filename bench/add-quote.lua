-- wrk script: POST /api/v1/events/{slug}/quotes, a relation write (the parent's If-Match: *, an admin key, an
-- Idempotency-Key each), spread over live events (bench/run.sh fills in __KEY__, __RUN__, __SLUGS__ and __SPEAKER__).
local counter = 0
local threads = 0
local slugs = { __SLUGS__ }

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  started = os.time()
  math.randomseed(started + tid + 1000)
end

request = function()
  counter = counter + 1
  local slug = slugs[math.random(#slugs)]
  local key = string.format("quote-__RUN__-%d-%d-%d", started, tid, counter)
  -- A quote is unique per event, speaker and text: each text names its run, thread and count.
  local body = string.format('{"speaker":"__SPEAKER__","text":{"en":"Benchmark quote %s","ko":"벤치마크 %s"}}', key, key)
  return wrk.format("POST", "/api/v1/events/" .. slug .. "/quotes", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer __KEY__",
    ["If-Match"] = "*",
    ["Idempotency-Key"] = key,
  }, body)
end
