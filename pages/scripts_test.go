package pages

import (
	"encoding/json"
	"os"
	"path"
	"regexp"
	"slices"
	"testing"

	"github.com/scopewise/scopewise/views"
)

// fakeAssets names an asset by its path: "js/lab.js" → "/assets/js/lab.js".
type fakeAssets struct{}

func (fakeAssets) URL(name string) string { return "/assets/" + name }

// The alert keys a module names: alertText('unreachable', …) and a partial
// grant's key passed to outcome(…, 'lab_partial').
var alertKey = regexp.MustCompile(`(?:alertText\(|outcome\([^()]*, )'([a-z_]+)'`)

// outcomeKeys are the keys token-client.js's outcome picks by kind or code.
var outcomeKeys = []string{
	"access_denied", "popup_closed", "popup_failed_to_open", "interaction_required",
	"consent_required", "error_response", "error_window",
}

// scriptedPages are the asset sets of the kinds of page that run scripts.
func scriptedPages() map[string]views.Assets {
	p := New(Deps{Assets: fakeAssets{}})
	return map[string]views.Assets{"sections": p.assets.sections, "photos": p.assets.photos, "ajax": p.assets.ajax, "lab": p.assets.lab}
}

// Every alert a page's scripts can show has its text in one of the page's
// modules (views/alerts.go): a missing one would show its key instead.
func TestPageScriptsHaveTheirAlertTexts(t *testing.T) {
	for name, assets := range scriptedPages() {
		t.Run(name, func(t *testing.T) {
			modules := []string{assets.Script}
			modules = append(modules, assets.PageScripts...)
			// And the modules imported on first use (alerts.js, photos.js …).
			var importMap struct{ Imports map[string]string }
			if err := json.Unmarshal([]byte(assets.ImportMap), &importMap); err != nil {
				t.Fatal(err)
			}
			for _, url := range importMap.Imports {
				if path.Ext(url) == ".js" && !slices.Contains(modules, url) {
					modules = append(modules, url)
				}
			}
			texts := map[string][2]string{}
			need := append([]string(nil), outcomeKeys...)
			for _, url := range modules {
				m := path.Base(url)
				if own, ok := views.ScriptAlerts(m); ok {
					if err := json.Unmarshal([]byte(own), &texts); err != nil {
						t.Fatalf("%s: the alert texts are not JSON: %v", m, err)
					}
				}
				src, err := os.ReadFile(path.Join("..", "assets", "js", m))
				if err != nil {
					t.Fatal(err)
				}
				for _, match := range alertKey.FindAllStringSubmatch(string(src), -1) {
					need = append(need, match[1])
				}
			}
			if len(need) < len(outcomeKeys)+3 {
				t.Fatalf("found only %d alert keys in %v: is the pattern stale?", len(need)-len(outcomeKeys), modules)
			}
			for _, key := range need {
				if texts[key][0] == "" || texts[key][1] == "" {
					t.Errorf("no text for %q in the page's modules %v", key, modules)
				}
			}
		})
	}
}

// The bare module names the scripts import ("scopewise/token-client").
var bareImport = regexp.MustCompile(`(?:from |import\()'([a-z][^'.]*)'`)

// Every bare name a page's modules import resolves through the page's
// import map: one that does not leaves the page with no script at all.
func TestImportMapResolvesTheModulesImports(t *testing.T) {
	for name, assets := range scriptedPages() {
		t.Run(name, func(t *testing.T) {
			var m struct{ Imports map[string]string }
			if err := json.Unmarshal([]byte(assets.ImportMap), &m); err != nil {
				t.Fatal(err)
			}
			found := 0
			for _, url := range append([]string{assets.Script}, assets.PageScripts...) {
				src, err := os.ReadFile(path.Join("..", "assets", "js", path.Base(url)))
				if err != nil {
					t.Fatal(err)
				}
				for _, match := range bareImport.FindAllStringSubmatch(string(src), -1) {
					found++
					if _, ok := m.Imports[match[1]]; !ok {
						t.Errorf("%s imports %q, which the import map %s does not name", path.Base(url), match[1], assets.ImportMap)
					}
				}
			}
			if found == 0 {
				t.Error("no bare imports found: is the pattern stale?")
			}
		})
	}
}
