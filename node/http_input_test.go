package node

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// queryRequest returns a GET request whose raw query is exactly raw.
func queryRequest(raw string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/v1/kv/a", nil)
	r.URL.RawQuery = raw
	return r
}

func TestQueryParamMatchesURLQuery(t *testing.T) {
	cases := []string{
		"", "consistency=stale", "consistency=linearizable", "consistency", "consistency=",
		"a=1&consistency=stale&consistency=linearizable", "&&consistency=stale&", "=stale",
		"consistency=st%61le", "consist%65ncy=stale", "consistency=a+b", "consistency=stale;x=1",
		"consistency=%zz&consistency=stale", "if_revision=7", "if_revision=7&if_revision=8",
		strings.Repeat("a=1&", maxPlainParams) + "consistency=stale",
	}
	for _, raw := range cases {
		t.Run(raw, func(t *testing.T) {
			requireQueryParamMatches(t, raw)
		})
	}
}

func FuzzQueryParam(f *testing.F) {
	f.Add("consistency=stale")
	f.Add("consistency=st%61le&if_revision=3")
	f.Add("a;b=c&consistency")
	f.Fuzz(func(t *testing.T, raw string) {
		requireQueryParamMatches(t, raw)
	})
}

// requireQueryParamMatches checks that queryParam reads the data API's
// parameters from raw as r.URL.Query() does.
func requireQueryParamMatches(t *testing.T, raw string) {
	t.Helper()
	r := queryRequest(raw)
	want := r.URL.Query()
	for _, name := range []string{ParamConsistency, ParamIfRevision} {
		got, ok := queryParam(r, name)
		require.Equal(t, want.Has(name), ok, "presence of %s in %q", name, raw)
		require.Equal(t, want.Get(name), got, "value of %s in %q", name, raw)
	}
}

func TestReadBody(t *testing.T) {
	const limit = 8
	cases := []struct {
		name    string
		body    io.Reader
		length  int64
		want    string
		wantErr error
	}{
		{name: "declared length", body: strings.NewReader("value"), length: 5, want: "value"},
		{name: "declared at the limit", body: strings.NewReader("12345678"), length: 8, want: "12345678"},
		{name: "unknown length", body: io.MultiReader(strings.NewReader("val"), strings.NewReader("ue")), length: -1, want: "value"},
		{name: "empty", body: http.NoBody, length: 0, want: ""},
		{name: "declared over the limit", body: strings.NewReader("123456789"), length: 9, wantErr: ErrTooLarge},
		{name: "unknown length over the limit", body: strings.NewReader("123456789"), length: -1, wantErr: ErrTooLarge},
		{name: "shorter than declared", body: strings.NewReader("val"), length: 5, wantErr: ErrBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPut, "/v1/kv/a", tc.body)
			r.ContentLength = tc.length
			got, err := readBody(httptest.NewRecorder(), r, limit, "value")
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.True(t, bytes.Equal([]byte(tc.want), got), "got %q", got)
		})
	}
}

func TestConsistency(t *testing.T) {
	cases := map[string]struct {
		stale bool
		bad   bool
	}{
		"":                         {},
		"consistency=linearizable": {},
		"consistency=stale":        {stale: true},
		"consistency=st%61le":      {stale: true},
		"consistency=eventual":     {bad: true},
	}
	for raw, want := range cases {
		t.Run(raw, func(t *testing.T) {
			stale, err := consistency(queryRequest(raw))
			if want.bad {
				require.ErrorIs(t, err, ErrBadRequest)
				return
			}
			require.NoError(t, err)
			require.Equal(t, want.stale, stale)
		})
	}
}

func TestIfRevision(t *testing.T) {
	cases := map[string]struct {
		rev     uint64
		guarded bool
		bad     bool
	}{
		"":                                 {},
		"if_revision=0":                    {guarded: true},
		"if_revision=42&consistency=x":     {rev: 42, guarded: true},
		"if_revision=-1":                   {bad: true},
		"if_revision=":                     {bad: true},
		"if_revision=18446744073709551616": {bad: true},
	}
	for raw, want := range cases {
		t.Run(raw, func(t *testing.T) {
			rev, guarded, err := ifRevision(queryRequest(raw))
			if want.bad {
				require.ErrorIs(t, err, ErrBadRequest)
				return
			}
			require.NoError(t, err)
			require.Equal(t, want.guarded, guarded)
			require.Equal(t, want.rev, rev)
		})
	}
}
