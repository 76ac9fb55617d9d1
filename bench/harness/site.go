package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// siteProc is the site binary running in emulator mode on free ports.
type siteProc struct {
	cmd      *exec.Cmd
	site     string // http://localhost:port
	emulator string
	startup  time.Duration // exec to the first 200 from /healthz

	// The site logs to a file, as a deployed one would, and the log is read
	// only when a figure needs it: a reader keeping up with the log during a
	// run would compete with the site for the same CPUs, and the bare
	// handler it is compared with has no such neighbour.
	logFile  *os.File
	statusMu sync.Mutex
	off      int64       // how far the log has been read
	partial  []byte      // a line not yet ended
	statuses map[int]int // answers by status, from the request log
	errLines []string    // the first few 5xx log lines, and what was logged just before each
	prev     string
}

var logStatus = regexp.MustCompile(` msg=request .* status=(\d{3}) `)

// startSite execs the binary with ports picked by the kernel, reads the
// addresses it prints, and waits for /healthz. Its request log (stdout)
// goes to a file, from which statusCounts counts answers by status.
func startSite(bin string) (*siteProc, error) {
	logFile, err := os.CreateTemp("", "scopewise-bench-site-*.log")
	if err != nil {
		return nil, err
	}
	os.Remove(logFile.Name()) // the open file is all the harness needs
	cmd := exec.Command(bin, "-addr", "localhost:0", "-emulator-addr", "localhost:0")
	cmd.Env = append(os.Environ(), "GOOGLE_CLIENT_ID=", "PICKER_POLL_INTERVAL=")
	cmd.Stdout = logFile
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &siteProc{cmd: cmd, logFile: logFile, statuses: map[int]int{}}
	for p.site == "" || p.emulator == "" {
		p.readLog()
		if time.Since(start) > 10*time.Second {
			p.stop()
			return nil, errors.New("the site printed no addresses in 10s")
		}
		time.Sleep(500 * time.Microsecond)
	}
	hc := &http.Client{Timeout: time.Second}
	for {
		res, err := hc.Get(p.site + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				p.startup = time.Since(start)
				return p, nil
			}
		}
		if time.Since(start) > 10*time.Second {
			p.stop()
			return nil, fmt.Errorf("/healthz not ready in 10s: %v", err)
		}
		time.Sleep(500 * time.Microsecond)
	}
}

// readLog reads what the site logged since the last call: first the two
// address lines, then request lines, counted by status.
func (p *siteProc) readLog() {
	p.statusMu.Lock()
	defer p.statusMu.Unlock()
	buf := make([]byte, 256<<10)
	for {
		n, err := p.logFile.ReadAt(buf, p.off)
		p.off += int64(n)
		data := append(p.partial, buf[:n]...)
		for {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			p.line(string(data[:i]))
			data = data[i+1:]
		}
		p.partial = append(p.partial[:0:0], data...)
		if err != nil || n < len(buf) {
			return
		}
	}
}

// line takes one line of the log; statusMu is held.
func (p *siteProc) line(line string) {
	if p.site == "" || p.emulator == "" {
		if v, ok := strings.CutPrefix(line, "site: "); ok {
			p.site = v
		}
		if v, ok := strings.CutPrefix(line, "emulator: "); ok {
			p.emulator = v
		}
		return
	}
	if m := logStatus.FindStringSubmatch(line); m != nil {
		code, _ := strconv.Atoi(m[1])
		p.statuses[code]++
		if code >= 500 && len(p.errLines) < 10 {
			p.errLines = append(p.errLines, p.prev, line)
		}
	}
	p.prev = line
}

// statusCounts is a copy of the answers by status so far.
func (p *siteProc) statusCounts() map[int]int {
	p.readLog()
	p.statusMu.Lock()
	defer p.statusMu.Unlock()
	out := make(map[int]int, len(p.statuses))
	for k, v := range p.statuses {
		out[k] = v
	}
	return out
}

// serverErrors are the first 5xx lines of the request log, each after the
// line logged before it (the error handler logs the cause there).
func (p *siteProc) serverErrors() []string {
	p.readLog()
	p.statusMu.Lock()
	defer p.statusMu.Unlock()
	return append([]string(nil), p.errLines...)
}

// server5xx counts 5xx answers between two statusCounts.
func server5xx(before, after map[int]int) int {
	n := 0
	for code, v := range after {
		if code >= 500 {
			n += v - before[code]
		}
	}
	return n
}

// rssMiB is the process's resident set size (VmRSS), in MiB.
func (p *siteProc) rssMiB() float64 {
	return rssOf(p.cmd.Process.Pid)
}

func rssOf(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// stop interrupts the site (a graceful shutdown) and waits for it.
func (p *siteProc) stop() {
	p.cmd.Process.Signal(os.Interrupt)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	waited := make(chan struct{})
	go func() { p.cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-ctx.Done():
		p.cmd.Process.Kill()
		<-waited
	}
	p.logFile.Close()
}
