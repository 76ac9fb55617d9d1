package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// "Use another account": a form for an email; one of the emulator's
// accounts signs in and goes on, an unknown one is refused in the form,
// and Back returns to the chooser.
func TestUseAnotherAccount(t *testing.T) {
	s := newBrowserEmu(t)
	b := newPopupBrowser(t, s)
	chooser := b.open(authQuery(tscope.Cal)).mustBe("chooser")
	form := chooser.press("Use another account")
	if h := form.heading(); h != "Sign in" {
		t.Fatalf("heading %q\n%s", h, form.html)
	}
	input := form.doc.Find(`input#identifier[type="email"][name="identifier"]`)
	if input.Length() != 1 || collapse(form.doc.Find(`label[for="identifier"]`).Text()) != "Email" {
		t.Fatalf("no Email field\n%s", form.html)
	}
	if help := collapse(form.doc.Find("#identifier-help").Text()); !strings.Contains(help, "bob@example.com") {
		t.Errorf("the form does not say which accounts exist: %q", help)
	}

	unknown := form.pressWith("Next", "identifier", "zed@example.com")
	if unknown.heading() != "Sign in" || unknown.rec.Code != http.StatusOK {
		t.Fatalf("unknown email: %q %d", unknown.heading(), unknown.rec.Code)
	}
	in := unknown.doc.Find("#identifier")
	if in.AttrOr("aria-invalid", "") != "true" || in.AttrOr("value", "") != "zed@example.com" ||
		!strings.Contains(in.AttrOr("aria-describedby", ""), "identifier-problem") {
		t.Errorf("the refused field: %s", goquery.NewDocumentFromNode(in.Nodes[0]).Text())
	}
	if p := collapse(unknown.doc.Find("#identifier-problem").Text()); !strings.Contains(p, "Couldn't find") {
		t.Errorf("problem %q", p)
	}
	if _, ok := b.cookies[signInCookie]; ok {
		t.Error("an unknown email signed someone in")
	}

	if back := unknown.press("Back to the accounts"); back.kind() != "chooser" {
		t.Errorf("Back shows %q", back.heading())
	}

	consent := form.pressWith("Next", "identifier", "  BOB@example.com ").mustBe("consent")
	chip := consent.doc.Find(".chip").Clone()
	chip.Find(`[aria-hidden="true"]`).Remove()
	if got := collapse(chip.Text()); got != "bob@example.com" {
		t.Errorf("consent for %q, want bob (typed in another case, with spaces)", got)
	}
	if resp := consent.press("Continue").response(); resp["access_token"] == nil {
		t.Errorf("no token after Use another account: %v", resp)
	}
	// Signed in as bob now: the next popup skips the chooser.
	if next := b.open(authQuery(tscope.Docs)).mustBe("consent"); !strings.Contains(next.text(), "bob@example.com") {
		t.Error("Use another account did not sign bob in")
	}
}

// An unverified client: "Google hasn't verified this app" comes between the
// chooser and the consent screen when scopes beyond sign-in are asked. Back
// to safety is a denial; Advanced → Go to … (unsafe) goes on to consent.
func TestUnverifiedClient(t *testing.T) {
	s := New(Options{
		Clients:   []Client{{ID: siteClientID, Name: "Scopewise", Origins: []string{siteOrigin}, Unverified: true}},
		PublicURL: emuOrigin,
		Now:       func() time.Time { return browserTestNow },
	})
	b := newPopupBrowser(t, s)
	warn := b.open(authQuery(spaced(tscope.Cal, tscope.Docs))).mustBe("chooser").press("alice@example.com")
	if h := warn.heading(); h != "Google hasn't verified this app" {
		t.Fatalf("after the chooser: %q\n%s", h, warn.html)
	}
	if txt := warn.text(); !strings.Contains(txt, siteOrigin) || !strings.Contains(txt, "alice@example.com") {
		t.Errorf("the warning names neither the app's origin nor the account: %s", txt)
	}
	if adv := warn.doc.Find("details summary").First(); collapse(adv.Text()) != "Advanced" {
		t.Errorf("no Advanced disclosure: %q", adv.Text())
	}
	if resp := warn.press("Back to safety").response(); resp["error"] != "access_denied" {
		t.Errorf("Back to safety answered %v", resp)
	}

	warn = b.open(authQuery(spaced(tscope.Cal, tscope.Docs)))
	if warn.heading() != "Google hasn't verified this app" {
		t.Fatalf("the warning is not shown again: %q", warn.heading())
	}
	consent := warn.press("Go to localhost:8080 (unsafe)").mustBe("consent")
	if len(consent.checkboxes()) != 2 {
		t.Errorf("consent after the warning: %q", consent.checkboxes())
	}
	consent.press("Continue", tscope.Cal)

	// Sign-in scopes alone are not sensitive: no warning. Everything
	// granted: no screen at all.
	if p := b.open(authQuery(spaced(tscope.OpenID, tscope.Email))); p.kind() != "consent" {
		t.Errorf("sign-in only: %q", p.heading())
	}
	if p := b.open(authQuery(tscope.Cal)); p.kind() != "result" {
		t.Errorf("all granted: %q", p.heading())
	}
	// prompt=none never shows it.
	if resp := b.open(authQuery(tscope.Docs, "prompt", "none")).response(); resp["error"] != "consent_required" {
		t.Errorf("prompt=none: %v", resp)
	}
}

// The popup's frame: the emulator's mark and name (no Google logo), the
// account's avatar in the chip, an icon and Learn more per scope, the app's
// policy line, and a footer whose links open the emulator's about page.
func TestPopupFrame(t *testing.T) {
	s := New(Options{
		Clients: []Client{{ID: siteClientID, Name: "Scopewise", Origins: []string{siteOrigin},
			PrivacyPolicy: "https://scopewise.example/privacy", Terms: "https://scopewise.example/terms"}},
		PublicURL: emuOrigin,
		Now:       func() time.Time { return browserTestNow },
	})
	p := newPopupBrowser(t, s).open(authQuery(spaced(tscope.Cal, tscope.Docs), "login_hint", "alice@example.com")).mustBe("consent")
	head := p.doc.Find("header.top")
	if !strings.Contains(collapse(head.Text()), "Emulator") || head.Find(`svg[aria-hidden="true"]`).Length() != 1 {
		t.Errorf("header: %q", collapse(head.Text()))
	}
	if strings.Contains(strings.ToLower(p.html), "googlelogo") || strings.Contains(p.html, "<img") {
		t.Error("the popup shows an image (Google's logo?)")
	}
	if av := p.doc.Find(`.chip .avatar[aria-hidden="true"]`); collapse(av.Text()) != "A" {
		t.Errorf("chip avatar %q", av.Text())
	}
	items := p.doc.Find("li.scope.box")
	if items.Length() != 2 {
		t.Fatalf("%d scope items", items.Length())
	}
	items.Each(func(_ int, li *goquery.Selection) {
		scope := li.Find(`input[name="grant"]`).AttrOr("value", "")
		if li.Find(`svg.icon[aria-hidden="true"]`).Length() != 1 {
			t.Errorf("%s: no icon", scope)
		}
		more := li.Find("details.more")
		if !strings.HasPrefix(collapse(more.Find("summary").Text()), "Learn more") || !strings.Contains(more.Text(), scope) {
			t.Errorf("%s: Learn more %q", scope, collapse(more.Text()))
		}
	})
	links := map[string]string{}
	p.doc.Find("main a").Each(func(_ int, a *goquery.Selection) { links[collapse(a.Text())] = a.AttrOr("href", "") })
	if links["privacy policy"] != "https://scopewise.example/privacy" || links["terms of service"] != "https://scopewise.example/terms" {
		t.Errorf("policy links %v", links)
	}
	foot := map[string]string{}
	p.doc.Find("footer a").Each(func(_ int, a *goquery.Selection) { foot[a.Text()] = a.AttrOr("href", "") })
	for _, name := range []string{"Help", "Privacy", "Terms"} {
		href := foot[name]
		if !strings.HasPrefix(href, "/_emu/about#") {
			t.Errorf("footer %s → %q", name, href)
			continue
		}
		path, _, _ := strings.Cut(href, "#") // a browser sends no fragment
		rec := serveEmu(s, httptest.NewRequest(http.MethodGet, path, nil))
		about, _ := goquery.NewDocumentFromReader(rec.Body)
		if rec.Code != http.StatusOK || about.Find("#"+strings.TrimPrefix(href, "/_emu/about#")).Length() != 1 {
			t.Errorf("%s: %d, no section", href, rec.Code)
		}
	}
	if !strings.Contains(collapse(p.doc.Find("footer").Text()), "English (United States)") {
		t.Error("no language in the footer")
	}

	// Without registered links the line says so.
	p = newPopupBrowser(t, newBrowserEmu(t)).open(authQuery(tscope.Cal, "login_hint", "alice@example.com")).mustBe("consent")
	if !strings.Contains(p.text(), "Scopewise has registered no privacy policy or terms of service") {
		t.Errorf("no-policy line missing: %s", p.text())
	}
}

// pressWith submits the button's form with one field typed in.
func (p *popupPage) pressWith(label, field, value string) *popupPage {
	p.b.t.Helper()
	btn := p.doc.Find("form button").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return collapse(s.Text()) == label
	}).First()
	form := btn.Closest("form")
	if form.Find(`input[name="`+field+`"]`).Length() != 1 {
		p.b.t.Fatalf("no field %s in the form of %q\n%s", field, label, p.html)
	}
	values := url.Values{}
	form.Find(`input[type="hidden"]`).Each(func(_ int, in *goquery.Selection) {
		values.Add(in.AttrOr("name", ""), in.AttrOr("value", ""))
	})
	values.Set(field, value)
	values.Add(btn.AttrOr("name", ""), btn.AttrOr("value", ""))
	return p.b.post(values)
}
