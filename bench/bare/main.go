// Command bare is the benchmark's physical limit: a bare net/http handler
// that answers every request with the same bytes, read once from a file
// (the page the site served). It is not part of the app.
//
//	bare -addr localhost:0 -body page.html -type 'text/html; charset=utf-8'
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
)

func main() {
	addr := flag.String("addr", "localhost:0", "where to listen (port 0 picks a free one)")
	bodyFile := flag.String("body", "", "file whose bytes every answer carries")
	contentType := flag.String("type", "text/html; charset=utf-8", "Content-Type of the answer")
	flag.Parse()
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(2)
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
		h["Content-Type"] = []string{*contentType}
		h["Content-Length"] = []string{length}
		w.Write(body)
	})
	if err := http.Serve(ln, handler); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}
