package webassets_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing/fstest"

	"github.com/treekv/kv/node/webassets"
)

// A page mounted under a prefix: the handler serves index.html for the
// prefix itself and each file by name.
func ExampleHandler() {
	files := fstest.MapFS{
		"index.html": {Data: []byte(`<script type="module" src="app.js"></script>`)},
		"app.js":     {Data: []byte("start()")},
	}
	mux := http.NewServeMux()
	mux.Handle("/ui/", http.StripPrefix("/ui", webassets.Handler(files, "default-src 'self'")))

	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ui/app.js", nil))
	fmt.Println(rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	fmt.Println(webassets.Names(files))
	// Output:
	// 200 text/javascript; charset=utf-8 start()
	// [app.js index.html]
}
