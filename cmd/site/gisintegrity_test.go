package main

import (
	"crypto/sha512"
	"encoding/base64"
	"io"
	"net/http"
	"regexp"
	"testing"
)

var gisScriptTag = regexp.MustCompile(`<script src="([^"]+/gsi/client)"([^>]*)>`)

// In emulator mode the pages load the emulator's GIS script with the hash of
// the bytes it serves: a script replaced at the emulator does not run.
func TestGISScriptCarriesItsIntegrity(t *testing.T) {
	a := startApp(t, nil)
	m := gisScriptTag.FindStringSubmatch(a.get("/calendar").Body)
	if m == nil {
		t.Fatal("no GIS script tag on /calendar")
	}
	attrs := m[2]
	integrity := regexp.MustCompile(`integrity="(sha384-[^"]+)"`).FindStringSubmatch(attrs)
	if integrity == nil || !regexp.MustCompile(`crossorigin="anonymous"`).MatchString(attrs) {
		t.Fatalf("GIS script tag without integrity and crossorigin: %s", m[0])
	}
	res, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	sum := sha512.Sum384(body)
	if got := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); got != integrity[1] || res.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Errorf("integrity %s, the served script hashes to %s (ACAO %q)", integrity[1], got, res.Header.Get("Access-Control-Allow-Origin"))
	}
}
