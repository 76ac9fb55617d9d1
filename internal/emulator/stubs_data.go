package emulator

// Temporary stubs so the package compiles while the data APIs are built.
// Delete each stub as its real handler lands.

import "net/http"

type seedData struct{}

func buildSeed(accounts []Account) *seedData { return &seedData{} }

type pickerSession struct{}

func (s *Server) handleCalendarEvents(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "todo", 501)
}
func (s *Server) handleDocumentGet(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "todo", 501)
}
func (s *Server) handlePickerCreate(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "todo", 501)
}
func (s *Server) handlePickerGet(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
func (s *Server) handlePickerDelete(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "todo", 501)
}
func (s *Server) handleMediaItems(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
func (s *Server) handlePickerPage(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
func (s *Server) handlePickerDone(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
func (s *Server) handleMediaBytes(w http.ResponseWriter, r *http.Request) { http.Error(w, "todo", 501) }
