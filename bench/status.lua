-- wrk script (smoke runs, appended to a scenario's own script): tallies the answers' status codes and prints them
-- at the end as "statuses: 200=1234 304=5", so that bench/run.sh --smoke can check each scenario's expected status.
local status_threads = {}
local scenario_setup = setup

function setup(thread)
  table.insert(status_threads, thread)
  if scenario_setup then
    scenario_setup(thread)
  end
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(status_threads) do
    for code, n in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(total) do
    table.insert(parts, code .. "=" .. n)
  end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
