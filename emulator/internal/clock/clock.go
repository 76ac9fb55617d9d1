// Package clock is the emulator's clock: the wall clock plus an offset the
// test-control API moves forward, so expiry shows without waiting.
package clock

import (
	"fmt"
	"sync"
	"time"
)

// MaxOffset keeps the offset far from time.Duration's range.
const MaxOffset = 10 * 365 * 24 * time.Hour

// Clock is safe for concurrent use.
type Clock struct {
	wall   func() time.Time
	mu     sync.Mutex
	offset time.Duration
}

// New is a clock at wall's time (time.Now when nil).
func New(wall func() time.Time) *Clock {
	if wall == nil {
		wall = time.Now
	}
	return &Clock{wall: wall}
}

// Now is the wall clock plus the offset.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wall().Add(c.offset)
}

// Offset is how far the clock is ahead of the wall clock.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Advance moves the clock forward by d: never back, nor more than MaxOffset
// ahead of the wall clock.
func (c *Clock) Advance(d time.Duration) (now time.Time, offset time.Duration, err error) {
	if d < 0 || d > MaxOffset {
		return time.Time{}, 0, fmt.Errorf("cannot advance the clock by %s: it only moves forward, at most ten years", d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offset+d > MaxOffset {
		return time.Time{}, 0, fmt.Errorf("the clock cannot move more than ten years ahead")
	}
	c.offset += d
	return c.wall().Add(c.offset), c.offset, nil
}

// Reset puts the clock back on the wall clock.
func (c *Clock) Reset() {
	c.mu.Lock()
	c.offset = 0
	c.mu.Unlock()
}
