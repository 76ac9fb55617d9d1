package assets

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"github.com/scopewise/scopewise/views"
)

// minify shrinks one of the site's own scripts or stylesheets with esbuild,
// in process: comments and whitespace go, local names get short. Each script
// stays the ES module it was — format ESM, no bundling — so its imports of
// bare names ("scopewise/token-client") still go through the page's import
// map, and the names it exports stay as written. A module's ALERT_TEXTS
// becomes its alert texts (views.ScriptAlerts). Nothing is lowered for older
// browsers (esbuild's default target, esnext) and text stays UTF-8.
//
// The source map holds the readable source, so the browser's devtools show
// the file as written in assets/. Any error or warning is an error: the
// files are embedded, so a test sees it before a build ships it.
func minify(name string, src []byte) (code, sourceMap []byte, err error) {
	opts := api.TransformOptions{
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		Charset:           api.CharsetUTF8,
		LegalComments:     api.LegalCommentsNone,
		Sourcemap:         api.SourceMapExternal,
		SourcesContent:    api.SourcesContentInclude,
		Sourcefile:        Prefix + name,
		LogLevel:          api.LogLevelSilent,
	}
	switch path.Ext(name) {
	case ".js":
		opts.Loader, opts.Format = api.LoaderJS, api.FormatESModule
		// The module's alert texts, spelled in views/alerts.go.
		if texts, ok := views.ScriptAlerts(path.Base(name)); ok {
			opts.Define = map[string]string{"ALERT_TEXTS": texts}
		}
	case ".css":
		opts.Loader = api.LoaderCSS
	default:
		return nil, nil, fmt.Errorf("assets: %s: no minifier for this kind of file", name)
	}
	res := api.Transform(string(src), opts)
	if msgs := append(res.Errors, res.Warnings...); len(msgs) > 0 {
		var errs []error
		for _, m := range msgs {
			errs = append(errs, errors.New(describe(name, m)))
		}
		return nil, nil, errors.Join(errs...)
	}
	return res.Code, res.Map, nil
}

// describe is one esbuild message as "assets: js/lab.js:12:4: text".
func describe(name string, m api.Message) string {
	var b strings.Builder
	b.WriteString("assets: " + name)
	if m.Location != nil {
		fmt.Fprintf(&b, ":%d:%d", m.Location.Line, m.Location.Column)
	}
	b.WriteString(": " + m.Text)
	return b.String()
}
