package views

import (
	"encoding/json"
	"testing"
)

// A page's texts are merged from its modules': a key in two modules would
// show one module's text on the other's page.
func TestScriptAlertKeysAreUniqueAcrossGroups(t *testing.T) {
	seen := map[string]string{}
	for group, texts := range scriptAlerts {
		for key := range texts {
			if other, ok := seen[key]; ok {
				t.Errorf("key %q is in %s and %s", key, other, group)
			}
			seen[key] = group
		}
	}
}

func TestScriptAlerts(t *testing.T) {
	own, ok := ScriptAlerts("lab.js")
	if !ok {
		t.Fatal("lab.js has no alert texts")
	}
	var got map[string][2]string
	if err := json.Unmarshal([]byte(own), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(scriptAlerts["lab.js"]) {
		t.Errorf("got %d texts, want the lab's %d", len(got), len(scriptAlerts["lab.js"]))
	}
	if want := scriptAlerts["lab.js"]["lab_no_scope"]; got["lab_no_scope"] != [2]string{want.Title, want.Detail} {
		t.Errorf("lab_no_scope = %q, want %q", got["lab_no_scope"], want)
	}
	if _, ok := ScriptAlerts("lab-extras.js"); ok {
		t.Error("lab-extras.js shows no alert, yet has texts")
	}
}

func TestAlertTextProblem(t *testing.T) {
	tests := []struct {
		name  string
		text  AlertText
		retry string
		vars  []string
		want  Problem
	}{
		{name: "no parts", text: AlertText{"T", "D"}, retry: "Go", want: Problem{Title: "T", Detail: "D", Retry: "Go"}},
		{name: "parts filled in title and detail", text: AlertText{"{status}", "{api} and {api}: {id}."}, vars: []string{"status", "Not Found", "api", "Docs", "id", "x1"}, want: Problem{Title: "Not Found", Detail: "Docs and Docs: x1."}},
		{name: "a value is not filled again", text: AlertText{"T", "{id}"}, vars: []string{"id", "{id}{api}", "api", "no"}, want: Problem{Title: "T", Detail: "{id}{api}"}},
		{name: "an unnamed part stays", text: AlertText{"T", "{other}"}, vars: []string{"id", "x"}, want: Problem{Title: "T", Detail: "{other}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.text.Problem(tc.retry, tc.vars...); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
