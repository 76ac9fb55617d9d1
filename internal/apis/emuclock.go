package apis

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// EmulatorClock moves the offline emulator's clock through its control API
// (POST /_emu/clock), so expiry can be shown without waiting an hour. Google
// has no such thing: in Google mode there is no EmulatorClock at all.
type EmulatorClock struct {
	base string // the emulator's origin
	hc   *http.Client
}

// NewEmulatorClock builds a client for the emulator at base.
func NewEmulatorClock(base string, hc *http.Client) *EmulatorClock {
	return &EmulatorClock{base: strings.TrimRight(base, "/"), hc: hc}
}

// Advance moves the emulator's clock forward by d (whole seconds) and
// returns the emulator's new now.
func (e *EmulatorClock) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	body, err := json.Marshal(map[string]string{"advance": strconv.FormatInt(int64(d/time.Second), 10) + "s"})
	if err != nil {
		return time.Time{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.base+"/_emu/clock", bytes.NewReader(body))
	if err != nil {
		return time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := e.hc.Do(req)
	if err != nil {
		return time.Time{}, transportError("emulator", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return time.Time{}, transportError("emulator", err)
	}
	if res.StatusCode != http.StatusOK {
		return time.Time{}, &Error{API: "emulator", Kind: KindUnavailable, Status: res.StatusCode, Err: fmt.Errorf("%.200s", raw)}
	}
	var out struct {
		Now time.Time `json:"now"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return time.Time{}, &Error{API: "emulator", Kind: KindUnavailable, Status: res.StatusCode, Err: err}
	}
	return out.Now, nil
}
