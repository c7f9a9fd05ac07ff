package node

import (
	"bytes"
	"net/http"
)

// batchRecorder is the http.ResponseWriter one request of a batch is served
// with: it keeps the answer for the batch's result.
type batchRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

// Header returns the answer's headers.
func (b *batchRecorder) Header() http.Header {
	if b.header == nil {
		b.header = http.Header{}
	}
	return b.header
}

// WriteHeader records the final status; later calls are ignored, as
// net/http does. An informational status (1xx) is not final, so it is not
// recorded: a batch answers each request once.
func (b *batchRecorder) WriteHeader(status int) {
	if b.status == 0 && (status < 100 || status > 199) {
		b.status = status
	}
}

// Write appends p to the body, with status 200 unless one was written.
func (b *batchRecorder) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// result is the answer recorded: its status, the headers of BatchHeaders
// it set, and its body.
func (b *batchRecorder) result() BatchResult {
	res := BatchResult{Status: b.status, Body: b.body.Bytes()}
	if res.Status == 0 {
		res.Status = http.StatusOK
	}
	for _, name := range BatchHeaders {
		if v := b.header.Get(name); v != "" {
			if res.Header == nil {
				res.Header = make(map[string]string, len(BatchHeaders))
			}
			res.Header[name] = v
		}
	}
	return res
}
