package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// siteProc is the site binary running in emulator mode on free ports.
type siteProc struct {
	cmd      *exec.Cmd
	site     string // http://localhost:port
	emulator string
	startup  time.Duration // exec to the first 200 from /healthz

	statusMu sync.Mutex
	statuses map[int]int // answers by status, from the request log
	errLines []string    // the first few 5xx log lines, and what was logged just before each
	prev     string
	lines    atomic.Int64
	done     chan struct{}
}

var logStatus = regexp.MustCompile(` msg=request .* status=(\d{3}) `)

// startSite execs the binary with ports picked by the kernel, reads the
// addresses it prints, and waits for /healthz. It keeps reading the request
// log (stdout) and counts answers by status.
func startSite(bin string) (*siteProc, error) {
	cmd := exec.Command(bin, "-addr", "localhost:0", "-emulator-addr", "localhost:0")
	cmd.Env = append(os.Environ(), "GOOGLE_CLIENT_ID=", "PICKER_POLL_INTERVAL=")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &siteProc{cmd: cmd, statuses: map[int]int{}, done: make(chan struct{})}
	addrs := make(chan [2]string, 1)
	go p.readLog(stdout, addrs)
	select {
	case a := <-addrs:
		p.site, p.emulator = a[0], a[1]
	case <-time.After(10 * time.Second):
		p.stop()
		return nil, errors.New("the site printed no addresses in 10s")
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

func (p *siteProc) readLog(r io.Reader, addrs chan<- [2]string) {
	defer close(p.done)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var site, emu string
	for sc.Scan() {
		line := sc.Text()
		if site == "" || emu == "" {
			if v, ok := strings.CutPrefix(line, "site: "); ok {
				site = v
			}
			if v, ok := strings.CutPrefix(line, "emulator: "); ok {
				emu = v
			}
			if site != "" && emu != "" {
				addrs <- [2]string{site, emu}
			}
			continue
		}
		p.lines.Add(1)
		if m := logStatus.FindStringSubmatch(line); m != nil {
			code, _ := strconv.Atoi(m[1])
			p.statusMu.Lock()
			p.statuses[code]++
			if code >= 500 && len(p.errLines) < 10 {
				p.errLines = append(p.errLines, p.prev, line)
			}
			p.statusMu.Unlock()
		}
		p.prev = line
	}
	io.Copy(io.Discard, r)
}

// statusCounts is a copy of the answers by status so far.
func (p *siteProc) statusCounts() map[int]int {
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
}
