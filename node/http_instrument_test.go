package node

import (
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/stretchr/testify/require"
)

// observedLabels returns, for every series of the request histogram in reg
// that has observations, its labels and count, as "k=v,...: count".
func observedLabels(t *testing.T, reg *prometheus.Registry) []string {
	t.Helper()
	families, err := reg.Gather()
	require.NoError(t, err)
	var out []string
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			if n := m.GetHistogram().GetSampleCount(); n > 0 {
				out = append(out, strings.Join(labels, ",")+": "+strconv.FormatUint(n, 10))
			}
		}
	}
	sort.Strings(out)
	return out
}

func newRequestHistogram() *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "requests"}, []string{"route", "method", "code"})
}

// TestInstrumentLabelsAsPromhttp checks that the node's request metrics
// name methods and status codes exactly as promhttp's instrumentation, which
// they replace, did.
func TestInstrumentLabelsAsPromhttp(t *testing.T) {
	handlers := map[string]http.HandlerFunc{
		"writes nothing": func(http.ResponseWriter, *http.Request) {},
		"writes a body":  func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("x")) },
		"not found":      func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) },
		"informational first": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusContinue)
			w.WriteHeader(http.StatusConflict)
		},
		"teapot": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) },
	}
	methods := []string{"GET", "put", "HEAD", "DELETE", "POST", "PATCH", "OPTIONS", "BREW"}
	for name, h := range handlers {
		t.Run(name, func(t *testing.T) {
			ours, theirs := prometheus.NewRegistry(), prometheus.NewRegistry()
			m := &metrics{requests: newRequestHistogram(), rate: newRateMeter(time.Now)}
			ours.MustRegister(m.requests)
			ref := newRequestHistogram()
			theirs.MustRegister(ref)
			instrumented := m.instrument("kv", h)
			reference := promhttp.InstrumentHandlerDuration(ref.MustCurryWith(prometheus.Labels{"route": "kv"}), h)
			for _, method := range methods {
				instrumented.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/v1/kv/a", nil))
				reference.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(method, "/v1/kv/a", nil))
			}
			require.Equal(t, observedLabels(t, theirs), observedLabels(t, ours))
		})
	}
}

func TestStatusWriterUnwraps(t *testing.T) {
	rec := httptest.NewRecorder()
	sw := &statusWriter{ResponseWriter: rec}
	require.NoError(t, http.NewResponseController(sw).Flush(), "flushes through to the recorder")
	require.True(t, rec.Flushed)
}
