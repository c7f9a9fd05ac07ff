package node

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"
)

// jsonAnswer returns what writeJSON answers for v: the reference that the
// hand-written encoders must match byte for byte.
func jsonAnswer(t *testing.T, v any) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	writeJSON(rec, http.StatusOK, v)
	var buf bytes.Buffer
	require.NoError(t, json.NewEncoder(&buf).Encode(v))
	require.Equal(t, buf.String(), rec.Body.String())
	return rec
}

func TestWritePutMatchesJSON(t *testing.T) {
	for _, rev := range []uint64{0, 1, 42, math.MaxUint32, math.MaxUint64} {
		want := jsonAnswer(t, PutResponse{Revision: rev})
		got := httptest.NewRecorder()
		writePut(got, rev)
		require.Equal(t, want.Code, got.Code)
		require.Equal(t, want.Header(), got.Header())
		require.Equal(t, want.Body.String(), got.Body.String())
	}
}

func TestWriteDeleteMatchesJSON(t *testing.T) {
	for _, deleted := range []bool{false, true} {
		for _, rev := range []uint64{0, 7, math.MaxUint64} {
			want := jsonAnswer(t, DeleteResponse{Deleted: deleted, Revision: rev})
			got := httptest.NewRecorder()
			writeDelete(got, deleted, rev)
			require.Equal(t, want.Code, got.Code)
			require.Equal(t, want.Header(), got.Header())
			require.Equal(t, want.Body.String(), got.Body.String())
		}
	}
}
