package picker

import (
	"bytes"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/scopewise/scopewise/emulator/internal/apitest"
)

func TestParseMediaParams(t *testing.T) {
	good := []struct {
		suffix string
		want   mediaParams
	}{
		{"w256-h256", mediaParams{w: 256, h: 256}},
		{"w256", mediaParams{w: 256}},
		{"h256", mediaParams{h: 256}},
		{"s256", mediaParams{s: 256}},
		{"d", mediaParams{download: true}},
		{"dv", mediaParams{video: true}},
		{"w256-h256-c", mediaParams{w: 256, h: 256, crop: true}},
		{"w2048-h1024-d", mediaParams{w: 2048, h: 1024, download: true}},
	}
	for _, c := range good {
		t.Run(c.suffix, func(t *testing.T) {
			got, err := parseMediaParams(c.suffix)
			if err != nil || got != c.want {
				t.Errorf("= %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
	for _, bad := range []string{"", "x", "w", "w0", "w-1", "w256-", "-w256", "w20000", "c5", "w10-w20", "W256", "w256h256", "s256-s256"} {
		t.Run("bad "+bad, func(t *testing.T) {
			if got, err := parseMediaParams(bad); err == nil {
				t.Errorf("accepted as %+v", got)
			}
		})
	}
}

func TestMediaLayout(t *testing.T) {
	cases := []struct {
		name   string
		suffix string
		w, h   int // original
		ow, oh int
	}{
		{"box, landscape", "w256-h256", 640, 480, 256, 192},
		{"box, portrait", "w256-h256", 480, 640, 192, 256},
		{"width only", "w100", 640, 480, 100, 75},
		{"height only", "h100", 640, 480, 133, 100},
		{"square bound", "s300", 640, 480, 300, 225},
		{"crop to the box", "w256-h256-c", 640, 480, 256, 256},
		{"crop with s", "s128-c", 480, 640, 128, 128},
		{"original", "d", 640, 480, 640, 480},
		{"never scaled up", "w2000-h2000", 640, 480, 640, 480},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mp, err := parseMediaParams(c.suffix)
			if err != nil {
				t.Fatal(err)
			}
			v := mp.layout(c.w, c.h)
			if v.w != c.ow || v.h != c.oh {
				t.Errorf("%s of %dx%d = %dx%d, want %dx%d", c.suffix, c.w, c.h, v.w, v.h, c.ow, c.oh)
			}
			if v.src.w <= 0 || v.src.h <= 0 || v.src.x < 0 || v.src.y < 0 || v.src.x+v.src.w > float64(c.w)+1e-9 || v.src.y+v.src.h > float64(c.h)+1e-9 {
				t.Errorf("source region %+v outside %dx%d", v.src, c.w, c.h)
			}
		})
	}
}

// pickAll picks the given photos in a new session and returns baseUrl
// paths by filename.
func pickAll(t *testing.T, s *testEmu, token string, photos ...*seedPhoto) map[string]string {
	t.Helper()
	ps := createSession(t, s, token, "")
	var ids []string
	for _, p := range photos {
		ids = append(ids, p.ID)
	}
	if rec, _ := pressDone(t, s, pickerPath(ps), ids...); rec.Code != 200 {
		t.Fatalf("done: %d %s", rec.Code, rec.Body)
	}
	out := map[string]string{}
	for _, it := range apitest.JSON[pickItems](t, s.Get("/v1/mediaItems?sessionId="+ps.ID, token)).MediaItems {
		out[it.MediaFile.Filename] = strings.TrimPrefix(it.MediaFile.BaseURL, apitest.Origin)
	}
	return out
}

func TestMediaBytes(t *testing.T) {
	s := newDataEmu(t)
	tok := s.Token(apitest.Alice, pickScope)
	lib := s.Svc.photos[apitest.Alice]
	jpg, png, video := lib[0], lib[3], lib[len(lib)-1]
	if jpg.MimeType != "image/jpeg" || png.MimeType != "image/png" || video.Type != "VIDEO" {
		t.Fatalf("seed order changed: %s %s %s", jpg.MimeType, png.MimeType, video.Type)
	}
	urls := pickAll(t, s, tok, jpg, png, video)

	cases := []struct {
		name     string
		path     string
		token    string
		code     int
		mime     string
		w, h     int
		apiError string
	}{
		{"JPEG in a box", urls[jpg.Filename] + "=w256-h256", tok, 200, "image/jpeg", 256, 192, ""},
		{"PNG keeps its type", urls[png.Filename] + "=s100", tok, 200, "image/png", 0, 0, ""},
		{"cropped", urls[jpg.Filename] + "=w64-h64-c", tok, 200, "image/jpeg", 64, 64, ""},
		{"original", urls[jpg.Filename] + "=d", tok, 200, "image/jpeg", jpg.Width, jpg.Height, ""},
		{"no options: original", urls[jpg.Filename], tok, 200, "image/jpeg", jpg.Width, jpg.Height, ""},
		{"video poster", urls[video.Filename] + "=w320-h320", tok, 200, "image/jpeg", 320, 180, ""},
		{"video bytes", urls[video.Filename] + "=dv", tok, 404, "", 0, 0, "NOT_FOUND"},
		{"dv on a photo", urls[jpg.Filename] + "=dv", tok, 400, "", 0, 0, "INVALID_ARGUMENT"},
		{"bad options", urls[jpg.Filename] + "=w256-x", tok, 400, "", 0, 0, "INVALID_ARGUMENT"},
		{"another user's token", urls[jpg.Filename] + "=w256", s.Token(apitest.Bob, pickScope), 403, "", 0, 0, "PERMISSION_DENIED"},
		{"unknown ref", "/media/nope=w256", tok, 404, "", 0, 0, "NOT_FOUND"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := s.Get(c.path, c.token)
			if c.apiError != "" {
				apitest.WantError(t, rec, c.code, c.apiError, "")
				return
			}
			if rec.Code != c.code || rec.Header().Get("Content-Type") != c.mime || rec.Header().Get("Cache-Control") != mediaCacheControl {
				t.Fatalf("%d %v", rec.Code, rec.Header())
			}
			img, format, err := image.Decode(bytes.NewReader(rec.Body.Bytes()))
			if err != nil || "image/"+format != c.mime {
				t.Fatalf("decode: %v (%s)", err, format)
			}
			if c.w != 0 && (img.Bounds().Dx() != c.w || img.Bounds().Dy() != c.h) {
				t.Errorf("size %dx%d, want %dx%d", img.Bounds().Dx(), img.Bounds().Dy(), c.w, c.h)
			}
		})
	}

	t.Run("expired session: baseUrls stop working", func(t *testing.T) {
		long := s.Tokens.Mint(apitest.Alice, 3*time.Hour, pickScope)
		s.Advance(pickerSessionTTL)
		apitest.WantError(t, s.Get(urls[jpg.Filename]+"=w64", long), 404, "NOT_FOUND", "")
	})
}

func TestPhotosAreDistinct(t *testing.T) {
	s := newDataEmu(t)
	seen := map[string]string{}
	for _, email := range []string{apitest.Alice, apitest.Bob, apitest.Carol} {
		for _, p := range s.Svc.photos[email] {
			b := s.Svc.images.get(p, mediaParams{s: 48}.layout(p.Width, p.Height))
			if other, dup := seen[string(b)]; dup {
				t.Errorf("%s/%s draws the same thumbnail as %s", email, p.Filename, other)
			}
			seen[string(b)] = email + "/" + p.Filename
		}
	}
}
