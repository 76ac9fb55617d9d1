package googleapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/scopewise/scopewise/emulator/internal/fieldmask"
)

// WriteFields is WriteJSON for a data API method's 200 answer, honouring
// Google's fields= parameter (partial response, internal/fieldmask). A mask
// that does not parse, or names a field the response type does not have, is
// a 400 INVALID_ARGUMENT in the API's envelope (Calendar adds an errors[]
// entry, reason invalidParameter, location fields [inf]); errors themselves
// are never filtered.
func WriteFields(w http.ResponseWriter, r *http.Request, a API, v any) {
	m, err := fieldmask.Parse(r.URL.Query().Get("fields"))
	if err == nil {
		err = m.Check(reflect.TypeOf(v))
	}
	if err != nil {
		if a.LegacyErr {
			WriteErrorItem(w, a, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), "",
				ErrorItem{Reason: "invalidParameter", Location: "fields", LocationType: "parameter"})
		} else {
			WriteError(w, a, http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), "")
		}
		return
	}
	if m == nil {
		WriteJSON(w, http.StatusOK, v)
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
		WriteError(w, a, http.StatusInternalServerError, "INTERNAL", "Internal error encountered.", "")
		return
	}
	out.WriteByte('\n')
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	w.Write(out.Bytes())
}
