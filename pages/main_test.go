package pages_test

import (
	"testing"

	"github.com/scopewise/scopewise/internal/sitetest"
)

// The pages' behaviour tests (package pages_test) run the whole site
// through sitetest; at the end they print the token-leak canary's totals.
func TestMain(m *testing.M) { sitetest.Main(m) }
