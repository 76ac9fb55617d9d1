package picker

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"sync"
	"time"

	"github.com/scopewise/scopewise/emulator/seed"
)

// seedPhoto is one item in an account's photo library. Its pixels are
// painted procedurally, so any size can be drawn directly (no resampling)
// and the same request always yields the same bytes.
type seedPhoto struct {
	ID       string // like Google's: persistent across sessions
	Owner    string // email
	Type     string // "PHOTO" or "VIDEO"
	MimeType string // image/jpeg, image/png, video/mp4
	Filename string
	Width    int
	Height   int
	Created  time.Time

	CameraMake, CameraModel string
	FocalLength, Aperture   float64
	ISO                     int
	Exposure                time.Duration

	pattern      int     // which painting (see colorAt)
	hueA, hueB   float64 // [0,1)
	seedX, seedY float64 // per-photo variation in [0,1)
}

const (
	photosPerAccount  = 32 // plus one video
	imageCacheEntries = 256
)

var (
	photoSizes = [][2]int{{640, 480}, {480, 640}, {800, 600}, {600, 800}, {640, 640}, {960, 540}, {512, 384}, {540, 960}}
	cameras    = [][2]string{{"Google", "Pixel 8"}, {"Apple", "iPhone 15"}, {"FUJIFILM", "X-T5"}}
)

// photoSeed is one account's library: 32 photos (every fourth a PNG
// screenshot without camera data) and one video, taken a week apart from
// June 2025, oldest first.
func photoSeed(a seed.Account, accountIndex int) []*seedPhoto {
	base := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC).AddDate(0, 0, accountIndex)
	var out []*seedPhoto
	for i := range photosPerAccount + 1 {
		key := fmt.Sprint(i)
		created := base.AddDate(0, 0, 7*i).Add(time.Duration(seed.Uint(600, "photo-time", a.Email, key)) * time.Minute)
		size := photoSizes[(i+accountIndex)%len(photoSizes)]
		p := &seedPhoto{
			ID:      "AF1Qip" + seed.B64(38, "photo", a.Email, key),
			Owner:   a.Email,
			Type:    "PHOTO",
			Width:   size[0],
			Height:  size[1],
			Created: created,
			pattern: (i + accountIndex) % 5,
			hueA:    float64(seed.Uint(1000, "hue-a", a.Email, key)) / 1000,
			seedX:   float64(seed.Uint(1000, "seed-x", a.Email, key)) / 1000,
			seedY:   float64(seed.Uint(1000, "seed-y", a.Email, key)) / 1000,
		}
		p.hueB = math.Mod(p.hueA+0.25+float64(seed.Uint(500, "hue-b", a.Email, key))/1000, 1)
		stamp := created.Format("20060102")
		switch {
		case i == photosPerAccount:
			p.Type, p.MimeType = "VIDEO", "video/mp4"
			p.Filename = fmt.Sprintf("VID_%s_%04d.mp4", stamp, i+1)
			p.Width, p.Height = 1280, 720
		case i%4 == 3:
			p.MimeType = "image/png"
			p.Filename = fmt.Sprintf("IMG_%s_%04d.png", stamp, i+1)
		default:
			p.MimeType = "image/jpeg"
			p.Filename = fmt.Sprintf("IMG_%s_%04d.jpg", stamp, i+1)
			cam := cameras[(i+accountIndex)%len(cameras)]
			p.CameraMake, p.CameraModel = cam[0], cam[1]
			p.FocalLength = []float64{4.38, 6.86, 23}[(i+accountIndex)%3]
			p.Aperture = []float64{1.68, 1.78, 2.8}[(i+accountIndex)%3]
			p.ISO = []int{50, 100, 200, 400, 800}[i%5]
			p.Exposure = []time.Duration{time.Second / 500, time.Second / 120, time.Second / 60, time.Second / 30}[i%4]
		}
		out = append(out, p)
	}
	return out
}

// imageMime is the type of the bytes served for the photo: a video's
// baseUrl with a size answers its poster frame.
func (p *seedPhoto) imageMime() string {
	if p.MimeType == "image/png" {
		return "image/png"
	}
	return "image/jpeg"
}

// imageView is what to draw: an output of w×h pixels showing the source region
// src (in original pixel coordinates).
type imageView struct {
	w, h int
	src  rectF
}

type rectF struct{ x, y, w, h float64 }

// encode paints and encodes the view. Same photo and view, same bytes.
func (p *seedPhoto) encode(v imageView) []byte {
	img := image.NewRGBA(image.Rect(0, 0, v.w, v.h))
	sx, sy := v.src.w/float64(v.w), v.src.h/float64(v.h)
	for y := range v.h {
		py := v.src.y + (float64(y)+0.5)*sy
		for x := range v.w {
			px := v.src.x + (float64(x)+0.5)*sx
			img.SetRGBA(x, y, p.colorAt(px, py))
		}
	}
	var buf bytes.Buffer
	if p.imageMime() == "image/png" {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		_ = enc.Encode(&buf, img) // writing to memory cannot fail
	} else {
		_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82})
	}
	return buf.Bytes()
}

// colorAt is the photo's colour at a point of its original canvas.
func (p *seedPhoto) colorAt(x, y float64) color.RGBA {
	W, H := float64(p.Width), float64(p.Height)
	u, v := x/W, y/H
	m := math.Min(W, H)
	var c [3]float64
	switch p.pattern {
	case 0: // landscape: sky, sun, hills
		c = hsv(p.hueA, 0.25+0.4*v, 1-0.25*v)
		sunX, sunY, r := W*(0.2+0.6*p.seedX), H*(0.15+0.2*p.seedY), m*0.09
		if math.Hypot(x-sunX, y-sunY) < r {
			c = hsv(math.Mod(p.hueB+0.1, 1), 0.55, 1)
		}
		hill := H * (0.62 + 0.07*math.Sin(u*2*math.Pi*(1+2*p.seedX)+p.seedY*6))
		if y > hill {
			c = hsv(p.hueB, 0.6, 0.65-0.35*(y-hill)/(H-hill+1))
		}
	case 1: // concentric rings
		d := math.Hypot(x-W*(0.3+0.4*p.seedX), y-H*(0.3+0.4*p.seedY))
		fade := 1 - 0.5*math.Min(d/m, 1)
		if int(d/(m/12))%2 == 0 {
			c = hsv(p.hueA, 0.7, fade)
		} else {
			c = hsv(p.hueB, 0.5, fade)
		}
	case 2: // diagonal stripes
		t := (x + y*(0.5+p.seedX)) / (m / 7)
		if int(math.Floor(t))%2 == 0 {
			c = hsv(p.hueA, 0.6, 0.95-0.4*v)
		} else {
			c = hsv(p.hueB, 0.6, 0.55+0.4*v)
		}
	case 3: // bokeh: soft discs on a gradient
		c = hsv(p.hueA, 0.6, 0.25+0.35*u)
		for k := range 7 {
			fk := float64(k)
			cx := W * math.Mod(p.seedX+fk*0.377, 1)
			cy := H * math.Mod(p.seedY+fk*0.619, 1)
			r := m * (0.06 + 0.03*fk)
			if d := math.Hypot(x-cx, y-cy); d < r {
				a := 0.55 * (1 - d/r*0.5)
				disc := hsv(math.Mod(p.hueB+fk*0.05, 1), 0.35, 1)
				for i := range c {
					c[i] = c[i]*(1-a) + disc[i]*a
				}
			}
		}
	default: // checker with a vignette
		cell := m / 8
		fade := 1 - 0.6*math.Min(math.Hypot(u-0.5, v-0.5), 0.7)
		if (int(x/cell)+int(y/cell))%2 == 0 {
			c = hsv(p.hueA, 0.55, fade)
		} else {
			c = hsv(p.hueB, 0.3, fade*0.9)
		}
	}
	if p.Type == "VIDEO" && inPlayTriangle(x-W/2, y-H/2, m*0.12) {
		c = [3]float64{1, 1, 1}
	}
	return color.RGBA{uint8(c[0]*255 + 0.5), uint8(c[1]*255 + 0.5), uint8(c[2]*255 + 0.5), 255}
}

// inPlayTriangle: a "play" triangle of half-height r centred on the origin.
func inPlayTriangle(x, y, r float64) bool {
	return x >= -r*0.6 && x <= r && math.Abs(y) <= r*(r-x)/(1.6*r)
}

// hsv converts hue, saturation, value in [0,1] to RGB in [0,1].
func hsv(h, s, v float64) [3]float64 {
	s, v = math.Max(0, math.Min(1, s)), math.Max(0, math.Min(1, v))
	h = math.Mod(h, 1) * 6
	i := math.Floor(h)
	f := h - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch int(i) {
	case 0:
		return [3]float64{v, t, p}
	case 1:
		return [3]float64{q, v, p}
	case 2:
		return [3]float64{p, v, t}
	case 3:
		return [3]float64{p, q, v}
	case 4:
		return [3]float64{t, p, v}
	}
	return [3]float64{v, p, q}
}

// imageCache keeps encoded images by photo and view. When full it starts
// over: simple, bounded, and enough for a demo's working set.
type imageCache struct {
	mu  sync.Mutex
	max int
	m   map[string][]byte
}

func newImageCache(max int) *imageCache { return &imageCache{max: max, m: map[string][]byte{}} }

func (c *imageCache) get(p *seedPhoto, v imageView) []byte {
	key := fmt.Sprintf("%s %dx%d %.3f,%.3f,%.3f,%.3f", p.ID, v.w, v.h, v.src.x, v.src.y, v.src.w, v.src.h)
	c.mu.Lock()
	b, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return b
	}
	b = p.encode(v) // outside the lock: two racing requests may both paint
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = b
	c.mu.Unlock()
	return b
}
