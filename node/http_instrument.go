package node

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// instrument records the latency and status of every request to h and
// counts it in the request rate.
func (m *metrics) instrument(route string, h http.Handler) http.Handler {
	timed := m.timed(route, h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.rate.add()
		timed.ServeHTTP(w, r)
	})
}

// meter returns what records the requests of route that are served without
// an *http.Request of their own (see batchDirect), as instrument would.
func (m *metrics) meter(route string) *routeMeter {
	return &routeMeter{m: m, obs: newRouteObservers(m.requests.MustCurryWith(prometheus.Labels{"route": route}))}
}

// routeMeter records requests of one route as instrument does.
type routeMeter struct {
	m   *metrics
	obs *routeObservers
}

// record counts a request of method, begun at start and answered with
// status, in the request rate and records its latency and status.
func (rm *routeMeter) record(method string, status int, start time.Time) {
	rm.m.rate.add()
	rm.obs.get(method, status).Observe(time.Since(start).Seconds())
}

// timed records the latency and status of every request to h, without
// counting it in the request rate: a batch, whose requests count there one
// by one.
func (m *metrics) timed(route string, h http.Handler) http.Handler {
	obs := newRouteObservers(m.requests.MustCurryWith(prometheus.Labels{"route": route}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		obs.get(r.Method, sw.status).Observe(time.Since(start).Seconds())
	})
}

// routeObservers hands out the latency observer of one route for each
// method and status code. The first request of a combination makes its
// observer; later ones find it in a map that is replaced, never changed, so
// they look it up without a lock or an allocation.
type routeObservers struct {
	vec   prometheus.ObserverVec // curried with the route; labels method, code
	mu    sync.Mutex             // serializes additions
	table atomic.Pointer[map[observerKey]prometheus.Observer]
}

// observerKey is a method label and a status code as the request had them.
type observerKey struct {
	method string
	code   int
}

func newRouteObservers(vec prometheus.ObserverVec) *routeObservers {
	o := &routeObservers{vec: vec}
	o.table.Store(&map[observerKey]prometheus.Observer{})
	return o
}

// get returns the observer of requests with method answered with code.
func (o *routeObservers) get(method string, code int) prometheus.Observer {
	key := observerKey{method: methodLabel(method), code: code}
	if obs, ok := (*o.table.Load())[key]; ok {
		return obs
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	old := *o.table.Load()
	if obs, ok := old[key]; ok {
		return obs
	}
	obs := o.vec.WithLabelValues(key.method, codeLabel(code))
	next := make(map[observerKey]prometheus.Observer, len(old)+1)
	for k, v := range old {
		next[k] = v
	}
	next[key] = obs
	o.table.Store(&next)
	return obs
}

// methodLabel returns the method label of a request, as promhttp names it:
// the lower-case name of a standard method, else "unknown".
func methodLabel(method string) string {
	switch method {
	case "GET", "get":
		return "get"
	case "PUT", "put":
		return "put"
	case "HEAD", "head":
		return "head"
	case "POST", "post":
		return "post"
	case "DELETE", "delete":
		return "delete"
	case "CONNECT", "connect":
		return "connect"
	case "OPTIONS", "options":
		return "options"
	case "NOTIFY", "notify":
		return "notify"
	case "TRACE", "trace":
		return "trace"
	case "PATCH", "patch":
		return "patch"
	}
	return "unknown"
}

// codeLabel returns the code label of a status, as promhttp names it: 200
// for a handler that wrote nothing, "unknown" outside 100-599.
func codeLabel(status int) string {
	switch {
	case status == 0:
		return "200"
	case status < 100 || status > 599:
		return "unknown"
	}
	return strconv.Itoa(status)
}

// statusWriter remembers the status a handler answered with: the last one
// given to WriteHeader, or 200 once the body is written without one.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap gives http.ResponseController the writer underneath, so the
// reverse proxy can flush through it.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
