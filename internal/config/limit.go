package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limit is a token bucket: Burst checks at once, refilled at Burst per Per.
// The zero Limit is off.
type Limit struct {
	Burst int
	Per   time.Duration
}

// Off reports whether the limit lets everything through.
func (l Limit) Off() bool { return l.Burst <= 0 || l.Per <= 0 }

func (l Limit) String() string {
	if l.Off() {
		return "off"
	}
	return strconv.Itoa(l.Burst) + "/" + l.Per.String()
}

// ParseLimit reads "N/DURATION" (N checks at once, N more per DURATION,
// such as "20/10s") or "off".
func ParseLimit(s string) (Limit, error) {
	s = strings.TrimSpace(s)
	if s == "off" {
		return Limit{}, nil
	}
	n, d, ok := strings.Cut(s, "/")
	burst, err1 := strconv.Atoi(n)
	per, err2 := time.ParseDuration(d)
	if !ok || err1 != nil || err2 != nil || burst < 1 || per <= 0 {
		return Limit{}, fmt.Errorf("%q: want N/DURATION such as \"20/10s\" (N token checks at once, N more per DURATION), or off", s)
	}
	return Limit{Burst: burst, Per: per}, nil
}

// The default limits on token checks (postbacks with a token the site does
// not know yet, each one a tokeninfo call): a person gets a new token every
// few minutes at most (each consent, each page's token client); one address
// may be many people (an office behind NAT), or a test suite on loopback.
var (
	DefaultSessionLimit = Limit{Burst: 20, Per: 10 * time.Second}  // 20 at once, 2 a second after
	DefaultAddressLimit = Limit{Burst: 200, Per: 10 * time.Second} // 200 at once, 20 a second after
)

func limitFlag(dst *Limit) func(string) error {
	return func(s string) error {
		l, err := ParseLimit(s)
		if err == nil {
			*dst = l
		}
		return err
	}
}
