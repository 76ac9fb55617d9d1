package docs

import (
	"regexp"
	"testing"
)

func TestDocumentIDsAreUniqueAndShaped(t *testing.T) {
	s := newDataEmu(t)
	seen := map[string]bool{}
	docShape := regexp.MustCompile(`^[A-Za-z0-9_-]{44}$`)
	for _, d := range s.Svc.docs {
		if seen[d.ID] || !docShape.MatchString(d.ID) {
			t.Errorf("document ID %q is repeated or misshapen", d.ID)
		}
		seen[d.ID] = true
	}
}
