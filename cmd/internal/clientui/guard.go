package clientui

import (
	"net/http"
)

// Header and value every mutating request must carry. A cross-site form
// cannot set a custom header, and a cross-site fetch that sets one needs a
// CORS preflight, which this server never grants.
const (
	headerRequestedWith = "X-Requested-With"
	requestedWithUI     = "treekv-ui"
)

// guardMutation refuses, with 403, a request without the custom header or
// one that a browser marks as cross-origin (by Sec-Fetch-Site, or by an
// Origin that is not this server's host); next never sees it.
func guardMutation(next http.Handler) http.Handler {
	origins := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(headerRequestedWith) != requestedWithUI {
			writeError(w, http.StatusForbidden, "forbidden",
				"mutating requests need the header "+headerRequestedWith+": "+requestedWithUI)
			return
		}
		if err := origins.Check(r); err != nil {
			writeError(w, http.StatusForbidden, "forbidden", "cross-origin request refused: "+err.Error())
			return
		}
		next.ServeHTTP(w, r)
	})
}
