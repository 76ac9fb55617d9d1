package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/scopewise/scopewise/emulator/internal/fieldmask"
)

// writeFields is writeJSON for a data API method's 200 answer, honouring
// Google's fields= parameter (partial response, internal/fieldmask). A mask
// that does not parse, or names a field the response type does not have, is
// a 400 INVALID_ARGUMENT in the API's envelope (Calendar adds an errors[]
// entry, reason invalidParameter, location fields [inf]); errors themselves
// are never filtered.
func writeFields(w http.ResponseWriter, r *http.Request, a api, v any) {
	m, err := fieldmask.Parse(r.URL.Query().Get("fields"))
	if err == nil {
		err = m.Check(reflect.TypeOf(v))
	}
	if err != nil {
		if a.LegacyErr {
			writeAPIErrorItem(w, a, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), "",
				apiErrorItem{Reason: "invalidParameter", Location: "fields", LocationType: "parameter"})
		} else {
			writeAPIError(w, a, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), "")
		}
		return
	}
	if m == nil {
		writeJSON(w, http.StatusOK, v)
		return
	}
	raw, err := json.Marshal(v)
	if err == nil {
		raw, err = m.Apply(raw)
	}
	var out bytes.Buffer
	if err == nil {
		err = json.Indent(&out, raw, "", "  ")
	}
	if err != nil {
		writeAPIError(w, a, http.StatusInternalServerError, "INTERNAL", "Internal error encountered.", "")
		return
	}
	out.WriteByte('\n')
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	w.Write(out.Bytes())
}
