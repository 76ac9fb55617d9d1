package apis

import (
	"net/http"
	"time"
)

// maxIdlePerHost is how many idle connections to one API host are kept for
// reuse. net/http's default is 2: under load every postback past the second
// concurrent one opened (and on Google, TLS-handshook) a new connection.
const maxIdlePerHost = 64

// newTransport is net/http's default transport with enough idle connections
// per host that concurrent postbacks reuse them.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4 * maxIdlePerHost
	t.MaxIdleConnsPerHost = maxIdlePerHost
	t.IdleConnTimeout = 90 * time.Second
	return t
}
