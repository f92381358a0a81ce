-- replay.lua - pktgen sends the pcap loaded with -s 0:FILE at one rate for
-- KIT_SECONDS, then prints what it sent and what came back (one
-- "pktgen-kit result ..." line) and quits.
--
--   KIT_PCAP=traffic.pcap KIT_RATES=5% KIT_SECONDS=10 \
--   pktgen ... -- -P -m '[1].0' -s 0:traffic.pcap -f tools/pktgen/replay.lua
--
-- KIT_RATES holds one rate: "N%" (of the link speed) or "N" (packets per
-- second). Settings and the result line: kit.lua.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local kit = dofile(dir .. "kit.lua")

kit.main(function()
	local rates, line = kit.setup()
	assert(#rates == 1, "replay.lua takes one rate; sweep.lua takes several")
	kit.say(kit.result_line(kit.send(rates[1], line)))
end)
