package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// browserOrigin writes origin as a browser serialises a page's origin (the
// Origin header, postMessage's event.origin): scheme and host in lower case,
// the scheme's default port left out. The emulator compares origins as
// strings, so "http://Localhost:5173" or "http://localhost:80" as given
// would never match a page. What cannot be an origin at all is refused with
// the reason.
func browserOrigin(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return "", fmt.Errorf("origin %q: %v", origin, err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("origin %q: the scheme must be http or https", origin)
	case u.User != nil:
		return "", fmt.Errorf("origin %q: an origin has no user name or password", origin)
	case u.Hostname() == "":
		return "", fmt.Errorf("origin %q: no host", origin)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", fmt.Errorf("origin %q: an origin is scheme://host[:port], with no path, query or fragment", origin)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if port != "" {
		return scheme + "://" + net.JoinHostPort(host, port), nil
	}
	if strings.Contains(host, ":") { // IPv6
		host = "[" + host + "]"
	}
	return scheme + "://" + host, nil
}
