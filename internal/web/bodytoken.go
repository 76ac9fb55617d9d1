package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// maxMultipartMemory bounds what a multipart body may hold in memory; the
// body itself is bounded by the site's BodyLimit before it gets here.
const maxMultipartMemory = 64 << 10

// tokenInBody reports an error when the request's body carries an
// access_token: as a form field (urlencoded or multipart) or as a JSON
// object's member. Media types compare without regard to letter case, as
// RFC 9110 says. A body that cannot be read is an error too: it cannot be
// shown to hold no token. A JSON body is put back for the handler.
func tokenInBody(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" || r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("unreadable Content-Type: %w", err)
	}
	inBody := errors.New("token in the request body")
	switch {
	case mt == "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return fmt.Errorf("unreadable form body: %w", err)
		}
		if r.PostForm.Has("access_token") {
			return inBody
		}
	case mt == "multipart/form-data":
		if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
			return fmt.Errorf("unreadable multipart body: %w", err)
		}
		if _, ok := r.MultipartForm.Value["access_token"]; ok {
			return inBody
		}
		if _, ok := r.MultipartForm.File["access_token"]; ok {
			return inBody
		}
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("unreadable JSON body: %w", err)
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(b, &members) == nil {
			for k := range members {
				if strings.EqualFold(k, "access_token") { // as encoding/json matches fields
					return inBody
				}
			}
		}
	}
	return nil
}
