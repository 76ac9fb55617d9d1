package picker

import (
	"bytes"
	"encoding/json"
	"regexp"
	"testing"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
)

// photoSnapshot is every account's photo metadata and a thumbnail of each.
func photoSnapshot(s *testEmu) []byte {
	var buf bytes.Buffer
	for _, email := range []string{apitest.Alice, apitest.Bob, apitest.Carol} {
		for _, p := range s.Svc.photos[email] {
			meta, _ := json.Marshal(pickedItemJSON(p, ""))
			buf.Write(meta)
			buf.Write(p.encode(mediaParams{s: 32}.layout(p.Width, p.Height)))
		}
	}
	return buf.Bytes()
}

func TestPhotosAreDeterministic(t *testing.T) {
	a, b := photoSnapshot(newDataEmu(t)), photoSnapshot(newDataEmu(t))
	if !bytes.Equal(a, b) {
		t.Errorf("two pickers serve different photos")
	}
	if len(a) < 50_000 {
		t.Errorf("snapshot is suspiciously small: %d bytes", len(a))
	}
}

func TestPhotoIDsAreUniqueAndShaped(t *testing.T) {
	s := newDataEmu(t)
	seen := map[string]bool{}
	photoShape := regexp.MustCompile(`^AF1Qip[A-Za-z0-9_-]{38}$`)
	for _, ps := range s.Svc.photos {
		if len(ps) < 24 {
			t.Errorf("only %d photos: want a few dozen", len(ps))
		}
		for _, p := range ps {
			if seen[p.ID] || !photoShape.MatchString(p.ID) {
				t.Errorf("photo ID %q is repeated or misshapen", p.ID)
			}
			seen[p.ID] = true
		}
	}
}
