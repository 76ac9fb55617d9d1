package emulator

// Temporary stubs so the package compiles while the browser side is built.
// Delete each stub as its real handler lands.

import "net/http"

type fault struct{}

func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool { return false }

func (s *Server) handleGSIClient(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request)      { http.Error(w, "todo", 501) }
func (s *Server) handleAuthPost(w http.ResponseWriter, r *http.Request)  { http.Error(w, "todo", 501) }
func (s *Server) handleTokenInfo(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request)    { http.Error(w, "todo", 501) }
func (s *Server) handleControlPage(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "todo", 501)
}
func (s *Server) handleState(w http.ResponseWriter, r *http.Request)     { http.Error(w, "todo", 501) }
func (s *Server) handleReset(w http.ResponseWriter, r *http.Request)     { http.Error(w, "todo", 501) }
func (s *Server) handleClock(w http.ResponseWriter, r *http.Request)     { http.Error(w, "todo", 501) }
func (s *Server) handleFaults(w http.ResponseWriter, r *http.Request)    { http.Error(w, "todo", 501) }
func (s *Server) handleMintToken(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
