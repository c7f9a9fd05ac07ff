package node

import (
	"encoding/base64"
	"net/http"
	"strconv"
)

// scanRange is the part of the keyspace one scan page reads: keys in
// [start, end) in byte order, end "" meaning unbounded, at most limit keys.
type scanRange struct {
	start, end string
	limit      int
}

func (s scanRange) empty() bool { return s.end != "" && s.start >= s.end }

// parseScan reads prefix, start, end, limit and cursor into a scanRange.
func parseScan(r *http.Request, maxLimit int) (scanRange, error) {
	q := r.URL.Query()
	s := scanRange{start: q.Get("start"), end: q.Get("end")}
	if prefix := q.Get("prefix"); prefix != "" {
		s.start = max(s.start, prefix)
		s.end = minEnd(s.end, prefixEnd(prefix))
	}
	if c := q.Get("cursor"); c != "" {
		after, err := decodeCursor(c)
		if err != nil {
			return s, err
		}
		s.start = max(s.start, after+"\x00")
	}
	limit, err := parseLimit(q.Get("limit"), maxLimit)
	s.limit = limit
	return s, err
}

func parseLimit(v string, maxLimit int) (int, error) {
	if v == "" {
		return min(DefaultScanLimit, maxLimit), nil
	}
	limit, err := strconv.Atoi(v)
	if err != nil || limit < 1 || limit > maxLimit {
		return 0, Errorf(ErrBadRequest, "limit must be an integer from 1 to %d, got %q", maxLimit, v)
	}
	return limit, nil
}

// prefixEnd returns the least key greater than every key with prefix, or
// "" (unbounded) when there is none.
func prefixEnd(prefix string) string {
	b := []byte(prefix)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < 0xff {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}

// minEnd returns the smaller of two exclusive ends, "" being unbounded.
func minEnd(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return min(a, b)
}

// encodeCursor makes the opaque cursor that resumes a scan after key.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(key))
}

func decodeCursor(c string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) == 0 {
		return "", Errorf(ErrBadRequest, "cursor %q is not one this server issued", c)
	}
	return string(b), nil
}
