package node

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBatchRecorderKeepsTheFirstFinalStatus(t *testing.T) {
	cases := map[string]struct {
		serve func(w http.ResponseWriter)
		want  int
	}{
		"nothing written": {func(http.ResponseWriter) {}, http.StatusOK},
		"body only":       {func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, http.StatusOK},
		"status then more": {func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusConflict)
			w.WriteHeader(http.StatusOK)
		}, http.StatusConflict},
		"informational first": {func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusNotFound)
		}, http.StatusNotFound},
		"informational then body": {func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusContinue)
			_, _ = w.Write([]byte("x"))
		}, http.StatusOK},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var rec batchRecorder
			c.serve(&rec)
			require.Equal(t, c.want, rec.result().Status)
		})
	}
}
