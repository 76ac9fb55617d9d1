package pages

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/scopewise/scopewise/internal/apis"
	"github.com/scopewise/scopewise/internal/web"
	"github.com/scopewise/scopewise/views"
)

// The Photos page shows the photos a user picks in Google Photos, through
// the Photos Picker API (photoslibrary.readonly was removed on 2025-03-31):
//
//	POST /photos                  create a picking session → the "Choose photos" panel
//	POST /photos/session          is the user done? 202 keep polling; 200 the carousel
//	POST /photos/items            list now ("Show picked photos"): 409 until Done is pressed
//	POST /photos/session/delete   the page is left before the photos were shown
//
// Polling is driven by the browser (assets/js/photos.js) at the session's
// pollInterval and stops at timeoutIn: every server route answers at once
// and nothing outlives its request, so a user who leaves costs nothing here.
//
// Images: a baseUrl works only with the bearer token, so the browser cannot
// load it. When the user is done, the server lists the picked items, fetches
// each thumbnail once (a few at a time), deletes the session and answers the
// carousel with the images inline as data: URLs. So each image costs exactly
// one upstream fetch per page view, baseUrls never leave the server (no
// route takes a URL from the page, so there is nothing to aim elsewhere),
// and nothing is stored here between requests: no token, no baseUrl.
// The price is a larger fragment, which maxPhotos and the 256-px size bound.

const (
	// maxPhotos is how many picked items the carousel shows.
	maxPhotos = 50
	// thumbSize is the size suffix of every image the page shows: a box of
	// thumbPixels, aspect ratio kept.
	thumbSize   = "=w256-h256"
	thumbPixels = 256
	// thumbFetches is how many images are fetched at once.
	thumbFetches = 4

	photosResults     = "photos-results"      // the token client's results element
	photosPickerAlert = "photos-picker-alert" // alerts that keep the picker panel
	photosPoll        = "photos-poll"         // the poll's timing, refreshed each poll
)

var photosPostback = postback{Scope: apis.PickerScope, Target: photosResults, Button: "Display photos"}

// PhotosView is the Photos page's view model.
type PhotosView struct {
	Page   views.Page
	Client views.TokenClient
}

// PickerPanel is what the page needs to open the picker and poll: nothing
// secret (the pickerUri is useless without the user's Google sign-in).
type PickerPanel struct {
	SessionID    string
	PickerURI    string
	PollInterval time.Duration
	TimeoutIn    time.Duration
}

// Photo is one picked item in the carousel.
type Photo struct {
	Filename string
	Video    bool
	// DataURL is the thumbnail inline; empty when it could not be fetched.
	DataURL       string
	Width, Height int
}

// Carousel is the "Photos" region.
type Carousel struct {
	Photos []Photo
	More   bool // more were picked than maxPhotos
	Failed int  // photos whose image could not be fetched
}

// Photos renders the page: GET /photos.
func (p *Pages) Photos(c echo.Context) error {
	page := p.withGIS(c, "Photo carousel")
	page.Assets = p.assets.photos
	v := PhotosView{
		Page:   page,
		Client: p.photosClient(),
	}
	return web.Render(c, http.StatusOK, PhotosPage(v))
}

// photosClient is the Photos section's token client: its answers need
// photos.js (the picker window, polling, the carousel), imported with its
// first postback.
func (p *Pages) photosClient() views.TokenClient {
	t := p.tokenClient("photos", apis.PickerScope, "/photos", photosPostback.Button)
	t.Module = photosModuleName
	return t
}

// PhotosPostback verifies the token and starts a picking session: POST /photos.
func (p *Pages) PhotosPostback(c echo.Context) error {
	token, _, err := p.authorize(c, photosPostback)
	if err != nil {
		return err
	}
	s, err := p.PickerAPI.CreateSession(c.Request().Context(), token)
	if err != nil {
		return createSessionProblem(p.photosProblem(c, err, token))
	}
	panel := PickerPanel{SessionID: s.ID, PickerURI: s.PickerURI, PollInterval: s.PollInterval, TimeoutIn: s.TimeoutIn}
	return web.Render(c, http.StatusOK, views.Fragment(photosResults, p.LedgerRows(c), PhotosPicker(panel)))
}

// PhotosSession is one poll: POST /photos/session, form session=<id>. While
// the user picks it answers 202 with the next poll's timing; once they are
// done, the carousel.
func (p *Pages) PhotosSession(c echo.Context) error {
	token, id, err := p.photosSessionForm(c)
	if err != nil {
		return err
	}
	s, err := p.PickerAPI.GetSession(c.Request().Context(), token, id)
	switch {
	case apis.KindOf(err) == apis.KindNotFound:
		return sessionExpired(err)
	case apis.KindOf(err) == apis.KindPermissionDenied:
		return sessionAccessExpired(err)
	case err != nil:
		return p.photosProblem(c, err, token)
	case s.MediaItemsSet:
		return p.showPicked(c, token, id)
	case s.TimeoutIn <= 0:
		// Google stops waiting for the user at timeoutIn; so does the page.
		return sessionExpired(nil)
	}
	return web.Render(c, http.StatusAccepted, PhotosPollAnswer(PickerPanel{SessionID: id, PollInterval: s.PollInterval, TimeoutIn: s.TimeoutIn}, p.LedgerRows(c)))
}

// PhotosItems lists the picked items without asking first whether the user
// is done: POST /photos/items, form session=<id> ("Show picked photos").
func (p *Pages) PhotosItems(c echo.Context) error {
	token, id, err := p.photosSessionForm(c)
	if err != nil {
		return err
	}
	return p.showPicked(c, token, id)
}

// PhotosSessionDelete ends a session the page no longer needs (the user
// left before the photos were shown): POST /photos/session/delete.
func (p *Pages) PhotosSessionDelete(c echo.Context) error {
	token, id, err := p.photosSessionForm(c)
	if err != nil {
		return err
	}
	err = p.PickerAPI.DeleteSession(c.Request().Context(), token, id)
	// A session that is gone, or whose access expired, needs no deleting.
	if k := apis.KindOf(err); err != nil && k != apis.KindNotFound && k != apis.KindPermissionDenied {
		return p.photosProblem(c, err, token)
	}
	return web.NoContent(c)
}

// showPicked lists the picked items, fetches their thumbnails, deletes the
// session and answers the carousel. The session is deleted only after the
// images are fetched: its baseUrls die with it.
func (p *Pages) showPicked(c echo.Context, token, id string) error {
	ctx := c.Request().Context()
	items, more, err := p.PickerAPI.ListMediaItems(ctx, token, id, maxPhotos)
	switch apis.KindOf(err) {
	case 0:
	case apis.KindFailedPrecondition:
		return notDonePicking(p.apiProblem(c, err, token, photosPostback))
	case apis.KindNotFound:
		return sessionExpired(err)
	case apis.KindPermissionDenied:
		return sessionAccessExpired(err)
	default:
		return p.photosProblem(c, err, token)
	}
	carousel, err := p.fetchThumbnails(ctx, token, items)
	if err != nil {
		return p.photosProblem(c, err, token)
	}
	carousel.More = more
	if err := p.PickerAPI.DeleteSession(ctx, token, id); err != nil {
		// The photos are here; a session left behind expires on its own.
		p.Log.Warn("deleting the picking session failed", "err", err)
	}
	return web.Render(c, http.StatusOK, views.Fragment(photosResults, p.LedgerRows(c), PhotosCarousel(carousel)))
}

// fetchThumbnails fetches each item's thumbnail once, thumbFetches at a
// time, and returns when all are done or ctx ends: no fetch outlives the
// request. An image that fails shows as missing; a token Google refuses
// fails the whole answer (the user must authorize again).
func (p *Pages) fetchThumbnails(ctx context.Context, token string, items []apis.MediaItem) (Carousel, error) {
	photos := make([]Photo, len(items))
	errs := make([]error, len(items))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(thumbFetches)
	for i, it := range items {
		photos[i] = Photo{Filename: it.Filename, Video: it.Type == "VIDEO", Width: it.Width, Height: it.Height}
		if photos[i].Filename == "" {
			photos[i].Filename = "Untitled photo"
		}
		g.Go(func() error {
			m, err := p.PickerAPI.FetchMedia(gctx, token, it.BaseURL, thumbSize)
			if err != nil {
				errs[i] = err
				if k := apis.KindOf(err); k == apis.KindInvalidToken || k == apis.KindInsufficientScope {
					return err // stop the others: none will work
				}
				return nil
			}
			photos[i].DataURL = "data:" + m.ContentType + ";base64," + base64.StdEncoding.EncodeToString(m.Bytes)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Carousel{}, err
	}
	if err := ctx.Err(); err != nil {
		return Carousel{}, err
	}
	car := Carousel{Photos: photos}
	for i, err := range errs {
		if err != nil {
			car.Failed++
			p.Log.Warn("fetching a picked image failed", "item", i, "err", err)
		}
	}
	return car, nil
}

// photosProblem is apiProblem for the Photos routes. Its alert replaces the
// picker panel or the carousel, so it always names the way to start over.
func (p *Pages) photosProblem(c echo.Context, err error, token string) error {
	perr := p.apiProblem(c, err, token, photosPostback)
	if prob, ok := perr.(*web.Problem); ok && prob.Alert.Retry == "" {
		prob.Alert.Retry = photosPostback.Button
	}
	return perr
}

// sessionIDPattern is what a Picker session ID may look like (Google's are
// UUIDs); anything else is refused before it reaches a URL.
var sessionIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// photosSessionForm authorizes a session postback and reads its session ID.
func (p *Pages) photosSessionForm(c echo.Context) (token, id string, err error) {
	token, _, err = p.authorize(c, photosPostback)
	if err != nil {
		return "", "", err
	}
	id = c.FormValue("session")
	if !sessionIDPattern.MatchString(id) {
		return "", "", &web.Problem{
			Status: http.StatusBadRequest,
			Target: photosResults,
			Alert:  views.AlertNoPickingSession.Problem(photosPostback.Button),
		}
	}
	return token, id, nil
}

// sessionExpired is the alert for a session Google no longer knows or no
// longer waits on: the page must start a new one.
func sessionExpired(err error) error { return sessionGone(views.AlertPickingExpired, err) }

// sessionGone is a 410 in the results with alert and the page's button to
// start again.
func sessionGone(alert views.AlertText, err error) error {
	return &web.Problem{
		Status: http.StatusGone,
		Target: photosResults,
		Alert:  alert.Problem(photosPostback.Button),
		Err:    err,
	}
}

// notDonePicking reshapes FAILED_PRECONDITION: the picker panel stays, so
// the alert goes inside it and polling goes on.
func notDonePicking(err error) error {
	prob, ok := err.(*web.Problem)
	if !ok {
		return err
	}
	prob.Target = photosPickerAlert
	prob.Alert = views.AlertNotDonePicking.Problem("")
	return prob
}

// sessionAccessExpired is the alert for PERMISSION_DENIED on a session:
// Google still knows it, but access to it (and its photos) has expired.
func sessionAccessExpired(err error) error {
	return sessionGone(views.AlertPickingAccessExpired, err)
}

// createSessionProblem gives sessions.create's documented refusals their
// own alerts, each with the next step: FAILED_PRECONDITION (the account has
// no Google Photos) and RESOURCE_EXHAUSTED (too many open sessions).
func createSessionProblem(err error) error {
	prob, ok := err.(*web.Problem)
	if !ok {
		return err
	}
	var e *apis.Error
	if !errors.As(prob.Err, &e) {
		return err
	}
	switch {
	case e.Kind == apis.KindFailedPrecondition:
		prob.Alert = views.AlertNoPhotosAccount.Problem(photosPostback.Button)
	case e.Kind == apis.KindRateLimited && e.Reason == "RESOURCE_EXHAUSTED":
		prob.Alert = views.AlertTooManySessions.Problem(photosPostback.Button)
	}
	return prob
}
