// Command bare is the benchmark's physical limit: a bare net/http handler
// that answers every request with the same bytes, read once from files: the
// body and the header lines of the answer the site gave. It is not part of
// the app.
//
//	bare -addr localhost:0 -body page.html -headers page.headers
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "localhost:0", "where to listen (port 0 picks a free one)")
	bodyFile := flag.String("body", "", "file whose bytes every answer carries")
	headerFile := flag.String("headers", "", `file of "Name: value" lines every answer carries (Date and Content-Length are net/http's)`)
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(2)
	}
	header := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	if *headerFile != "" {
		if header, err = readHeaders(*headerFile); err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(2)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
	fmt.Printf("bare: http://%s\n", ln.Addr())
	length := strconv.Itoa(len(body))
	handler := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		h["Content-Length"] = []string{length}
		w.Write(body)
	})
	if err := http.Serve(ln, handler); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

// readHeaders reads "Name: value" lines.
func readHeaders(name string) (http.Header, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			return nil, fmt.Errorf("%s: not a header line: %q", name, sc.Text())
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, sc.Err()
}
