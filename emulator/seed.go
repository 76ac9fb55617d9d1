package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// seedData is what the fake accounts own: calendar events, documents and
// photos. It is built once per Server from the account list alone — no
// randomness, no clock — so every run serves the same data. Calendar events
// are kept as specs and placed relative to the emulator's clock when listed
// (seed_calendar.go); documents and photo pixels are built lazily on first
// use (seed_docs.go, seed_photos.go), which keeps New cheap.
//
// Nothing in it changes after buildSeed, so it is read without a lock (the
// lazily built parts guard themselves).
type seedData struct {
	events    map[string][]eventSpec // by account email
	docs      []*seedDoc             // in a stable order: by owner, then as defined
	docByID   map[string]*seedDoc
	photos    map[string][]*seedPhoto // by account email, oldest first
	photoByID map[string]*seedPhoto
	images    *imageCache
}

// buildSeed generates every account's data and adds the configured events
// and documents (config.go), which New expects to have passed Validate.
func buildSeed(accounts []Account, events []SeedEvent, docs []SeedDocument) *seedData {
	sd := &seedData{
		events:    map[string][]eventSpec{},
		docByID:   map[string]*seedDoc{},
		photos:    map[string][]*seedPhoto{},
		photoByID: map[string]*seedPhoto{},
		images:    newImageCache(imageCacheEntries),
	}
	for i, a := range accounts {
		sd.events[a.Email] = calendarSeed(a, accounts)
		ps := photoSeed(a, i)
		sd.photos[a.Email] = ps
		for _, p := range ps {
			sd.photoByID[p.ID] = p
		}
	}
	for i, e := range events {
		if spec, err := e.spec(i); err == nil {
			email := strings.ToLower(e.Account)
			sd.events[email] = append(sd.events[email], spec)
		}
	}
	all := docSeed(accounts)
	for _, d := range docs {
		all = append(all, d.seedDoc())
	}
	for _, d := range all {
		sd.docs = append(sd.docs, d)
		sd.docByID[d.ID] = d
	}
	return sd
}

// seedSum is the hash every derived identifier starts from, so IDs depend
// only on names, never on the order things were built in.
func seedSum(parts ...string) [32]byte {
	return sha256.Sum256([]byte(strings.Join(parts, "\x00")))
}

// seedB64 is n URL-safe base64 characters ([A-Za-z0-9_-]) derived from parts.
func seedB64(n int, parts ...string) string {
	var out strings.Builder
	for i := 0; out.Len() < n; i++ {
		sum := seedSum(append(parts, strconv.Itoa(i))...)
		out.WriteString(base64.RawURLEncoding.EncodeToString(sum[:]))
	}
	return out.String()[:n]
}

// seedHex is n lowercase hex characters derived from parts.
func seedHex(n int, parts ...string) string {
	sum := seedSum(parts...)
	return hex.EncodeToString(sum[:])[:n]
}

// seedUint is a small deterministic number in [0, n) derived from parts.
func seedUint(n int, parts ...string) int {
	sum := seedSum(parts...)
	v := uint64(sum[0])<<24 | uint64(sum[1])<<16 | uint64(sum[2])<<8 | uint64(sum[3])
	return int(v % uint64(n))
}

// formatProtoTime is a google.protobuf.Timestamp in JSON: UTC, "Z", and 0,
// 3, 6 or 9 fractional digits (the Picker API's createTime, expireTime).
func formatProtoTime(t time.Time) string {
	t = t.UTC()
	ns := t.Nanosecond()
	switch {
	case ns == 0:
		return t.Format("2006-01-02T15:04:05Z")
	case ns%1_000_000 == 0:
		return t.Format("2006-01-02T15:04:05.000Z")
	case ns%1_000 == 0:
		return t.Format("2006-01-02T15:04:05.000000Z")
	}
	return t.Format("2006-01-02T15:04:05.000000000Z")
}

// formatProtoDuration is a google.protobuf.Duration in JSON: seconds with 0,
// 3, 6 or 9 fractional digits and an "s" ("5s", "0.500s", "1799s").
func formatProtoDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	secs := int64(d / time.Second)
	ns := int64(d % time.Second)
	var frac string
	switch {
	case ns == 0:
	case ns%1_000_000 == 0:
		frac = "." + leftPad(ns/1_000_000, 3)
	case ns%1_000 == 0:
		frac = "." + leftPad(ns/1_000, 6)
	default:
		frac = "." + leftPad(ns, 9)
	}
	return sign + strconv.FormatInt(secs, 10) + frac + "s"
}

func leftPad(v int64, width int) string {
	s := strconv.FormatInt(v, 10)
	return strings.Repeat("0", width-len(s)) + s
}
