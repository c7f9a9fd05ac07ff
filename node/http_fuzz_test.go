package node

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func FuzzDecodeTxn(f *testing.F) {
	f.Add([]byte(`{"compare":[{"key":"a","target":"mod","op":"=","number":3}],"success":[{"op":"put","key":"a","value":"dg=="}],"failure":[{"op":"get","key":"a"}]}`))
	f.Add([]byte(`{"success":[{"op":"delete","key":"{t}x"}]}`))
	f.Add([]byte(`{"success":[{"op":"put","key":"a","value":"not base64!"}]}`))
	f.Add([]byte(`{"compare":[{"key":"","target":"size","op":"~"}]}`))
	f.Add([]byte(`{} {}`))
	n := &Node{cfg: Config{ID: "n1"}.withDefaults()}
	f.Fuzz(func(t *testing.T, body []byte) {
		cmd, keys, err := n.decodeTxn(body)
		if err != nil {
			require.True(t, errors.Is(err, ErrBadRequest) || errors.Is(err, ErrTooLarge), "unexpected error kind: %v", err)
			return
		}
		require.NotEmpty(t, keys)
		for _, k := range keys {
			require.NoError(t, n.cfg.Limits.checkKey(k))
		}
		decoded, err := DecodeCommand(EncodeCommand(cmd))
		require.NoError(t, err)
		require.Equal(t, len(cmd.Success), len(decoded.Success))
	})
}

func FuzzParseScan(f *testing.F) {
	f.Add("a", "", "", "10", "")
	f.Add("", "b", "a", "", "YQ")
	f.Add("\xff\xff", "", "", "0", "!!")
	f.Add("", "", "", "99999999999999999999", "")
	f.Fuzz(func(t *testing.T, prefix, start, end, limit, cursor string) {
		q := url.Values{"prefix": {prefix}, "start": {start}, "end": {end}, "limit": {limit}, "cursor": {cursor}}
		r := httptest.NewRequest("GET", "/v1/scan?"+q.Encode(), nil)
		rng, err := parseScan(r, DefaultMaxScanLimit)
		if err != nil {
			require.ErrorIs(t, err, ErrBadRequest)
			return
		}
		require.True(t, rng.limit >= 1 && rng.limit <= DefaultMaxScanLimit)
		if prefix != "" && !rng.empty() {
			require.GreaterOrEqual(t, rng.start, prefix)
		}
	})
}

func FuzzKeyFromPath(f *testing.F) {
	f.Add("a%2Fb")
	f.Add("%zz")
	f.Add("..%2F..")
	f.Fuzz(func(t *testing.T, escaped string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.URL = &url.URL{Path: kvPrefix, RawPath: kvPrefix + escaped}
		r.URL.Path, _ = url.PathUnescape(kvPrefix + escaped)
		key, err := keyFromPath(r)
		if err != nil {
			require.ErrorIs(t, err, ErrBadRequest)
			return
		}
		require.Equal(t, url.PathEscape(key), url.PathEscape(key)) // decoding is total on valid input
	})
}
