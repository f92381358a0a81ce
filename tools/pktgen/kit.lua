-- kit.lua - what replay.lua and sweep.lua share: settings from the environment,
-- the pcap's mean frame size (to turn packets per second into pktgen's rate
-- percentage), one timed send and its result line.
--
-- pktgen (built with -Denable_lua=true) runs a script given with -f once its
-- ports are up; a script takes no arguments, so the settings come from the
-- environment (run-kit.sh sets them):
--   KIT_PORT      pktgen port list                                   ["0"]
--   KIT_PCAP      the pcap given to pktgen's -s 0:FILE (to compute rates in pps)
--   KIT_SECONDS   how long each rate is sent                          [10]
--   KIT_RATES     rates, comma-separated: N% (pktgen's percentage of the link
--                 speed) or N (packets per second, converted to a percentage)
--   KIT_RESULTS   a file the result lines are appended to (besides print)
--   KIT_SETTLE_MS wait after stop before the counters are read       [2500]
-- Each rate gives one line that starts with "pktgen-kit result" and holds
-- key=value pairs (see result_line).
local kit = {}

kit.port = os.getenv("KIT_PORT") or "0"
kit.seconds = tonumber(os.getenv("KIT_SECONDS") or "10")
kit.settle_ms = tonumber(os.getenv("KIT_SETTLE_MS") or "2500")
kit.results = os.getenv("KIT_RESULTS")
kit.pcap = os.getenv("KIT_PCAP")

-- pktgen's per-frame overhead on the wire (app/pktgen.h PKT_OVERHEAD_SIZE:
-- preamble 8, inter-frame gap 12, FCS 4) and the frame sizes it clamps to.
local OVERHEAD, MIN_FRAME, MAX_FRAME = 24, 60, 1514

function kit.say(line)
	print(line)
	if kit.results then
		local f = io.open(kit.results, "a")
		if f then
			f:write(line, "\n")
			f:close()
		end
	end
end

-- The mean frame size of a pcap as pktgen computes it (app/pktgen-pcap.c:
-- each frame clamped to 60..1514 bytes, integer mean), read with
-- string.unpack (little- or big-endian classic pcap).
function kit.pcap_mean_frame(path)
	local f = assert(io.open(path, "rb"), "cannot open pcap " .. tostring(path))
	local hdr = f:read(24)
	assert(hdr and #hdr == 24, "not a pcap: " .. path)
	local magic = string.unpack("<I4", hdr)
	local e
	if magic == 0xa1b2c3d4 or magic == 0xa1b23c4d then
		e = "<"
	elseif magic == 0xd4c3b2a1 or magic == 0x4d3cb2a1 then
		e = ">"
	else
		error("not a classic pcap (magic " .. string.format("%08x", magic) .. "): " .. path)
	end
	local n, sum = 0, 0
	while true do
		local rec = f:read(16)
		if not rec or #rec < 16 then
			break
		end
		local _, _, incl = string.unpack(e .. "I4I4I4", rec)
		f:seek("cur", incl)
		local len = incl
		if len < MIN_FRAME then
			len = MIN_FRAME
		elseif len > MAX_FRAME then
			len = MAX_FRAME
		end
		n, sum = n + 1, sum + len
	end
	f:close()
	assert(n > 0, "no frame in " .. path)
	return sum // n, n
end

-- The link speed in Mb/s from pktgen.linkState ("<UP-10000-FD>").
function kit.link_mbps()
	local s = pktgen.linkState(kit.port)[tonumber(kit.port)] or ""
	return tonumber(string.match(s, "UP%-(%d+)")) or 0, s
end

function kit.wait_link(timeout_ms)
	local waited = 0
	while waited < timeout_ms do
		local mbps, s = kit.link_mbps()
		if mbps > 0 then
			return mbps, s
		end
		pktgen.delay(100)
		waited = waited + 100
	end
	error("link of port " .. kit.port .. " not up after " .. timeout_ms .. " ms")
end

-- What 100% means for pktgen: link speed / ((mean frame + 24) * 8 bits).
function kit.line_rate_pps(mbps, mean_frame)
	return mbps * 1e6 / ((mean_frame + OVERHEAD) * 8)
end

-- "5%" -> 5 percent; "20000" -> the percentage that gives 20000 pps.
function kit.parse_rates(list, line_pps)
	local rates = {}
	for item in string.gmatch(list or "", "[^,%s]+") do
		local pct = string.match(item, "^([%d.]+)%%$")
		local r
		if pct then
			r = { pct = tonumber(pct) }
		else
			local pps = assert(tonumber(item), "bad rate " .. item .. " (N% or N packets/s)")
			r = { pct = pps / line_pps * 100, asked_pps = pps }
		end
		assert(r.pct and r.pct > 0 and r.pct <= 100, "rate " .. item .. " is not within (0, 100%]")
		rates[#rates + 1] = r
	end
	assert(#rates > 0, "no rate given (KIT_RATES)")
	return rates
end

-- A clock with 10 ms steps: /proc/uptime (pktgen's Lua has no fine clock,
-- os.time() counts whole seconds, and pktgen.delay(ms) sleeps in 10 ms steps
-- that each also run pktgen's timers, so it overshoots: by 3-35% over 4 s in
-- the first trials here, as its main lcore shares a CPU with its busy worker).
function kit.now()
	local f = io.open("/proc/uptime", "r")
	if f then
		local t = f:read("n")
		f:close()
		if t then
			return t
		end
	end
	return os.time()
end

local function port_counts()
	return pktgen.portStats(kit.port, "port")[tonumber(kit.port)]
end

-- Sends the pcap at rate r for kit.seconds; returns the counters of that
-- window (pktgen's port counters, which are the PMD's: frames) and its
-- measured length (rates are divided by that, not by kit.seconds).
-- pktgen refreshes its counters once a second, so they are read after a
-- settle time once sending has stopped and the last forwarded frames are in.
function kit.send(r, line_pps)
	pktgen.set(kit.port, "rate", string.format("%.4f", r.pct))
	pktgen.clr()
	pktgen.delay(kit.settle_ms)
	local before = port_counts()
	local t0 = kit.now()
	pktgen.start(kit.port)
	while kit.now() - t0 < kit.seconds do
		pktgen.delay(10)
	end
	pktgen.stop(kit.port)
	local elapsed = kit.now() - t0
	pktgen.delay(kit.settle_ms)
	local after = port_counts()
	local d = {}
	for _, k in ipairs({ "opackets", "ipackets", "obytes", "ibytes", "oerrors", "ierrors", "imissed", "rx_nombuf" }) do
		d[k] = (after[k] or 0) - (before[k] or 0)
	end
	d.pct = r.pct
	d.seconds = elapsed
	d.target_pps = line_pps * r.pct / 100
	return d
end

function kit.result_line(d, extra)
	local s = d.seconds
	return string.format(
		"pktgen-kit result rate_pct=%.4f target_pps=%.0f seconds=%.2f tx_frames=%d rx_frames=%d "
			.. "tx_pps=%.0f rx_pps=%.0f tx_mbps=%.1f rx_mbps=%.1f rx_over_tx=%.4f "
			.. "oerrors=%d ierrors=%d imissed=%d rx_nombuf=%d%s",
		d.pct, d.target_pps, s, d.opackets, d.ipackets, d.opackets / s, d.ipackets / s,
		d.obytes * 8 / s / 1e6, d.ibytes * 8 / s / 1e6,
		d.opackets > 0 and d.ipackets / d.opackets or 0, d.oerrors, d.ierrors, d.imissed, d.rx_nombuf,
		extra or "")
end

-- Runs body() and quits pktgen whatever happens, so that a script error never
-- leaves pktgen waiting at its prompt.
function kit.main(body)
	pktgen.screen("off")
	local ok, err = pcall(body)
	if not ok then
		kit.say("pktgen-kit error " .. tostring(err))
	end
	kit.say("pktgen-kit done")
	pktgen.quit()
end

-- Settings shared by both scripts: the link, the pcap's mean frame, the rates.
function kit.setup()
	local mbps, state = kit.wait_link(10000)
	assert(kit.pcap, "KIT_PCAP is not set")
	local mean, frames = kit.pcap_mean_frame(kit.pcap)
	local line = kit.line_rate_pps(mbps, mean)
	kit.say(string.format("pktgen-kit link %s link_mbps=%d pcap_frames=%d mean_frame=%d line_rate_pps=%.0f",
		state, mbps, frames, mean, line))
	return kit.parse_rates(os.getenv("KIT_RATES"), line), line
end

return kit
