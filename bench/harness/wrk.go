package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// wrkScript sets the method and body, cycles through paths when given
// several (one a line: a path may hold commas, as a fields= mask does), and
// prints wrk's summary as one JSON line.
const wrkScript = `
local paths = {}
for p in string.gmatch(os.getenv("WRK_PATHS") or "", "[^\n]+") do paths[#paths + 1] = p end
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then wrk.body = body end
if #paths > 1 then
  local i = 0
  request = function()
    i = i % #paths + 1
    return wrk.format(nil, paths[i])
  end
end
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
`

// load is one wrk run's shape.
type load struct {
	base    string   // http://host:port
	paths   []string // one or more; several are taken in turn
	method  string
	body    string   // sent with every request ("" for none)
	headers []string // "Name: value"
	threads int
	conns   int
	dur     time.Duration
}

// wrkResult is wrk's summary of one run.
type wrkResult struct {
	Requests   int64 `json:"requests"`
	DurationUS int64 `json:"duration_us"`
	Bytes      int64 `json:"bytes"`
	Connect    int   `json:"connect"`
	Read       int   `json:"read"`
	Write      int   `json:"write"`
	Status     int   `json:"status"` // answers with a status >= 400
	Timeout    int   `json:"timeout"`
	P50US      int64 `json:"p50_us"`
	P99US      int64 `json:"p99_us"`
	MaxUS      int64 `json:"max_us"`
}

func (r wrkResult) rps() float64 {
	if r.DurationUS == 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUS) / 1e6)
}

// socketErrors are wrk's connect, read, write and timeout errors.
func (r wrkResult) socketErrors() int { return r.Connect + r.Read + r.Write + r.Timeout }

var scriptPath string

func writeWrkScript(dir string) error {
	scriptPath = filepath.Join(dir, "wrk.lua")
	return os.WriteFile(scriptPath, []byte(wrkScript), 0o644)
}

// runWrk runs wrk once and returns its summary.
func runWrk(l load) (wrkResult, error) {
	args := []string{
		"-t", fmt.Sprint(l.threads), "-c", fmt.Sprint(l.conns), "-d", fmt.Sprintf("%.0fs", l.dur.Seconds()),
		"--timeout", "10s", "-s", scriptPath,
	}
	for _, h := range l.headers {
		args = append(args, "-H", h)
	}
	args = append(args, l.base+l.paths[0])
	cmd := exec.Command("wrk", args...)
	method := l.method
	if method == "" {
		method = "GET"
	}
	cmd.Env = append(os.Environ(), "WRK_METHOD="+method, "WRK_PATHS="+strings.Join(l.paths, "\n"), "WRK_BODY="+l.body)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk %s: %v\n%s", l.paths[0], err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if js, ok := strings.CutPrefix(line, "WRKJSON "); ok {
			var r wrkResult
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				return wrkResult{}, fmt.Errorf("wrk summary %q: %v", js, err)
			}
			return r, nil
		}
	}
	return wrkResult{}, fmt.Errorf("wrk printed no summary:\n%s", out)
}
