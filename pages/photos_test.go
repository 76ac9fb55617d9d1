package pages

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func renderDoc(t *testing.T, c templ.Component) (*goquery.Document, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(templ.WithNonce(context.Background(), "n0nce"), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(html))
	if err != nil {
		t.Fatal(err)
	}
	return doc, html
}

const evil = `<script>alert(1)</script><img src=x onerror=alert(2)>"'`

// A 1×1 PNG as the server inlines it.
const dataPNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwABAQEABRjYTgAAAABJRU5ErkJggg=="

func TestPhotosCarousel(t *testing.T) {
	tests := []struct {
		name       string
		carousel   Carousel
		slides     int
		counter    string
		imgs       []string // alt of each img, in order
		sizes      []string // "WxH" of each img ("" for none)
		notes      []string
		noControls bool
	}{
		{
			name: "three photos, first shown",
			carousel: Carousel{Photos: []Photo{
				{Filename: "IMG_1.jpg", DataURL: dataPNG, Width: 640, Height: 480},
				{Filename: "IMG_2.png", DataURL: dataPNG, Width: 480, Height: 640},
				{Filename: "IMG_3.jpg", DataURL: dataPNG, Width: 100, Height: 50},
			}},
			slides: 3, counter: "1 of 3",
			imgs:  []string{"IMG_1.jpg", "IMG_2.png", "IMG_3.jpg"},
			sizes: []string{"256x192", "192x256", "100x50"},
		},
		{
			name: "an image that failed and a video",
			carousel: Carousel{Photos: []Photo{
				{Filename: "IMG_1.jpg"},
				{Filename: "VID_2.mp4", Video: true, DataURL: dataPNG},
			}, Failed: 1, More: true},
			slides: 2, counter: "1 of 2",
			imgs:  []string{"VID_2.mp4"},
			sizes: []string{""},
			notes: []string{"could not be loaded", "poster frame", "more than 50", "1 of the images"},
		},
		{name: "nothing picked", carousel: Carousel{}, notes: []string{"No photos were picked."}, noControls: true},
		{
			name:     "markup in a filename stays text",
			carousel: Carousel{Photos: []Photo{{Filename: evil, DataURL: dataPNG}}},
			slides:   1, counter: "1 of 1", imgs: []string{evil}, sizes: []string{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, html := renderDoc(t, PhotosCarousel(tt.carousel))
			region := doc.Find(`section[aria-labelledby="photos-title"]`)
			if region.Length() != 1 || strings.TrimSpace(doc.Find("#photos-title").Text()) != "Photos" {
				t.Fatalf("no region named Photos:\n%s", html)
			}
			if doc.Find("script").Length() != 0 || strings.Contains(html, "<script>alert") {
				t.Fatalf("markup got through:\n%s", html)
			}
			slides := region.Find("ul > li")
			if slides.Length() != tt.slides {
				t.Fatalf("%d list items, want %d", slides.Length(), tt.slides)
			}
			slides.Each(func(i int, s *goquery.Selection) {
				_, hidden := s.Attr("hidden")
				if hidden != (i > 0) {
					t.Errorf("slide %d hidden = %v; only the first is shown", i+1, hidden)
				}
			})
			imgs := region.Find("img")
			if imgs.Length() != len(tt.imgs) {
				t.Fatalf("%d images, want %d", imgs.Length(), len(tt.imgs))
			}
			imgs.Each(func(i int, s *goquery.Selection) {
				if alt, _ := s.Attr("alt"); alt != tt.imgs[i] {
					t.Errorf("img %d alt = %q, want %q", i, alt, tt.imgs[i])
				}
				if src, _ := s.Attr("src"); src != dataPNG {
					t.Errorf("img %d src = %.40q, want the data: URL", i, src)
				}
				w, _ := s.Attr("width")
				h, _ := s.Attr("height")
				if got := strings.Trim(w+"x"+h, "x"); got != tt.sizes[i] {
					t.Errorf("img %d size = %q, want %q", i, got, tt.sizes[i])
				}
			})
			counter := region.Find("[data-counter]")
			if tt.noControls {
				if counter.Length() != 0 || region.Find("[data-carousel-move]").Length() != 0 {
					t.Errorf("controls without photos")
				}
			} else {
				if got := strings.TrimSpace(counter.Text()); got != tt.counter {
					t.Errorf("counter = %q, want %q", got, tt.counter)
				}
				if live, _ := counter.Attr("aria-live"); live != "polite" {
					t.Errorf("counter aria-live = %q", live)
				}
				for _, name := range []string{"Previous", "Next"} {
					if region.Find("button[data-carousel-move]").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == name }).Length() != 1 {
						t.Errorf("no %s button", name)
					}
				}
			}
			for _, n := range tt.notes {
				if !strings.Contains(region.Text(), n) {
					t.Errorf("region lacks %q", n)
				}
			}
		})
	}
}

func TestPhotosPicker(t *testing.T) {
	panel := PickerPanel{SessionID: "0f6a1b2c-aaaa", PickerURI: "https://photos.google.com/picker/0f6a1b2c?x=1&y=" + evil, PollInterval: 5 * time.Second, TimeoutIn: 1799 * time.Second}
	doc, html := renderDoc(t, PhotosPicker(panel))
	sec := doc.Find("section[data-picker]")
	for attr, want := range map[string]string{
		"data-session-id":       panel.SessionID,
		"data-picker-uri":       panel.PickerURI,
		"data-poll-interval-ms": "5000",
		"data-timeout-ms":       "1799000",
	} {
		if got, _ := sec.Attr(attr); got != want {
			t.Errorf("%s = %q, want %q", attr, got, want)
		}
	}
	if doc.Find("script").Length() != 0 {
		t.Errorf("markup got through:\n%s", html)
	}
	if b := doc.Find(`button[data-action="open-picker"]`); strings.TrimSpace(b.Text()) != "Choose photos in Google Photos" {
		t.Errorf("open button = %q", b.Text())
	}
	if s := doc.Find(`[role="status"][data-picker-status]`); s.Length() != 1 {
		t.Errorf("no status for the waiting message")
	}
	if doc.Find("#"+photosPickerAlert).Length() != 1 || doc.Find("#"+photosPoll).Length() != 1 {
		t.Errorf("the alert and poll targets are missing")
	}
}
