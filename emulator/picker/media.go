package picker

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/scopewise/scopewise/emulator/internal/googleapi"
)

// Media bytes: GET /media/{ref}[=options], the emulator's stand-in for a
// picked item's baseUrl. Like Google's it needs the bearer token (of the
// session's user, with the Picker scope) and takes size options after "=":
//
//	w<n>, h<n>   fit within n pixels wide / high (aspect ratio kept)
//	s<n>         fit within an n×n square
//	c            crop to exactly the w×h (or s×s) box instead of fitting
//	d            the original (download); may be combined with a size
//	dv           a video's bytes (not available in the emulator: 404)
//
// Options are joined by "-": "=w256-h256-c". Images are never scaled up. No
// options at all answer the original size.

// mediaMaxDimension bounds a requested size.
const mediaMaxDimension = 16383

// mediaCacheControl is what Google's content servers send for a baseUrl.
const mediaCacheControl = "private, max-age=3600"

type mediaParams struct {
	w, h, s  int
	crop     bool
	download bool
	video    bool
}

var errMediaParams = errors.New("bad image parameters")

// parseMediaParams reads the options after "=". Unknown, repeated or out of
// range options are an error.
func parseMediaParams(suffix string) (mediaParams, error) {
	var mp mediaParams
	seen := map[string]bool{}
	for opt := range strings.SplitSeq(suffix, "-") {
		if opt == "" {
			return mp, errMediaParams
		}
		name := strings.TrimRight(opt, "0123456789")
		if seen[name] {
			return mp, errMediaParams
		}
		seen[name] = true
		switch name {
		case "w", "h", "s":
			n, err := strconv.Atoi(opt[1:])
			if err != nil || n < 1 || n > mediaMaxDimension {
				return mp, errMediaParams
			}
			switch name {
			case "w":
				mp.w = n
			case "h":
				mp.h = n
			default:
				mp.s = n
			}
		case "c", "d", "dv":
			if opt != name {
				return mp, errMediaParams // "c5" and the like
			}
			mp.crop = mp.crop || name == "c"
			mp.download = mp.download || name == "d"
			mp.video = mp.video || name == "dv"
		default:
			return mp, errMediaParams
		}
	}
	return mp, nil
}

// layout is the output size and the region of the W×H original it shows.
func (mp mediaParams) layout(W, H int) imageView {
	full := rectF{0, 0, float64(W), float64(H)}
	bw, bh := math.Inf(1), math.Inf(1)
	switch {
	case mp.s > 0:
		bw, bh = float64(mp.s), float64(mp.s)
	case mp.w > 0 || mp.h > 0:
		if mp.w > 0 {
			bw = float64(mp.w)
		}
		if mp.h > 0 {
			bh = float64(mp.h)
		}
	default:
		return imageView{w: W, h: H, src: full}
	}
	fw, fh := float64(W), float64(H)
	if mp.crop && !math.IsInf(bw, 1) && !math.IsInf(bh, 1) {
		// Cover the box, then cut the overflow from the centre.
		scale := math.Min(1, math.Max(bw/fw, bh/fh))
		ow := int(math.Min(bw, math.Round(fw*scale)))
		oh := int(math.Min(bh, math.Round(fh*scale)))
		sw, sh := float64(ow)/scale, float64(oh)/scale
		return imageView{w: max(ow, 1), h: max(oh, 1), src: rectF{(fw - sw) / 2, (fh - sh) / 2, sw, sh}}
	}
	scale := math.Min(1, math.Min(bw/fw, bh/fh))
	return imageView{w: max(1, int(math.Round(fw*scale))), h: max(1, int(math.Round(fh*scale))), src: full}
}

// Media serves a picked item's bytes at its baseUrl (GET /media/{mediaRef}).
func (s *Service) Media(w http.ResponseWriter, r *http.Request) {
	tok, ok := googleapi.Authorize(w, r, s.tokens, googleapi.Picker, pickerScope)
	if !ok {
		return
	}
	ref, suffix, hasSuffix := strings.Cut(r.PathValue("mediaRef"), "=")
	var mp mediaParams
	if hasSuffix {
		var err error
		if mp, err = parseMediaParams(suffix); err != nil {
			googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid image parameters: "+suffix, "")
			return
		}
	}
	photo, owner, found := s.pickedMedia(ref)
	switch {
	case !found:
		googleapi.WriteError(w, googleapi.Picker, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", "")
		return
	case owner != tok.Account:
		googleapi.WriteError(w, googleapi.Picker, http.StatusForbidden, "PERMISSION_DENIED", "The caller does not have permission", "")
		return
	case mp.video && photo.Type != "VIDEO":
		googleapi.WriteError(w, googleapi.Picker, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid image parameters: dv applies to videos only", "")
		return
	case mp.video:
		googleapi.WriteError(w, googleapi.Picker, http.StatusNotFound, "NOT_FOUND", "Video bytes are not available in the emulator; request a size for the poster frame.", "")
		return
	}
	serveImage(w, s.images.get(photo, mp.layout(photo.Width, photo.Height)), photo.imageMime(), mediaCacheControl)
}

func serveImage(w http.ResponseWriter, b []byte, mime, cacheControl string) {
	h := w.Header()
	h.Set("Content-Type", mime)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("Cache-Control", cacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// pickedMedia finds the item a baseUrl ref points to, among the live
// sessions' picks, and whose session it is.
func (s *Service) pickedMedia(ref string) (*seedPhoto, string, bool) {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ps := range s.sessions {
		if p, ok := ps.Refs[ref]; ok && now.Before(ps.Expire) {
			return p, ps.Account, true
		}
	}
	return nil, "", false
}
