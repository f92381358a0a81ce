-- sweep.lua - a load curve: pktgen sends the pcap loaded with -s 0:FILE at
-- each rate of KIT_RATES in turn, KIT_SECONDS each, and prints one
-- "pktgen-kit result ..." line per rate, then quits.
--
--   KIT_PCAP=traffic.pcap KIT_RATES=2%,5%,10%,20%,40% KIT_SECONDS=10 \
--   pktgen ... -- -P -m '[1].0' -s 0:traffic.pcap -f tools/pktgen/sweep.lua
--
-- A rate is "N%" (of the link speed) or "N" (packets per second). The
-- receiver's counters are read after each step has drained (KIT_SETTLE_MS),
-- so the steps do not bleed into each other. Settings: kit.lua.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local kit = dofile(dir .. "kit.lua")

kit.main(function()
	local rates, line = kit.setup()
	for i, r in ipairs(rates) do
		kit.say(kit.result_line(kit.send(r, line), string.format(" step=%d/%d", i, #rates)))
	end
end)
