package node

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// dedupModel is the plain reference the table must agree with: every record
// in a list, oldest first, each key answered by its newest live record.
type dedupModel struct {
	maxEntries int
	window     uint64
	records    []dedupRecord
}

func (m *dedupModel) expire(index uint64) {
	for len(m.records) > 0 {
		r := m.records[0]
		if index <= r.index || index-r.index <= m.window {
			return
		}
		m.records = m.records[1:]
	}
}

func (m *dedupModel) lookup(key string) (dedupRecord, bool) {
	for i := len(m.records) - 1; i >= 0; i-- {
		if m.records[i].key == key {
			return m.records[i], true
		}
	}
	return dedupRecord{}, false
}

func (m *dedupModel) insert(r dedupRecord) {
	m.records = append(m.records, r)
	if len(m.records) > m.maxEntries {
		m.records = m.records[len(m.records)-m.maxEntries:]
	}
}

// FuzzDedupTableMatchesModel applies a sequence of records, read from the
// input two bytes a step (a key out of 16 and how far the log moves), to a
// table with small limits and to the model, and expects the same lookups,
// results and records at every step, also through a view.
func FuzzDedupTableMatchesModel(f *testing.F) {
	f.Add([]byte{0, 1, 1, 1, 0, 1, 2, 30, 0, 1})
	f.Add([]byte{5, 0, 5, 0, 6, 200, 5, 1, 7, 3, 8, 3, 9, 3, 10, 3, 5, 3})
	f.Fuzz(func(t *testing.T, steps []byte) {
		cfg := FSMConfig{DedupMaxEntries: 5, DedupWindow: 40}
		table, model := newDedupTable(cfg), &dedupModel{maxEntries: 5, window: 40}
		index := uint64(0)
		for i := 0; i+1 < len(steps); i += 2 {
			key := fmt.Sprint("req-", steps[i]%16)
			index += uint64(steps[i+1] % 64)
			table.expire(index)
			model.expire(index)
			want, found := model.lookup(key)
			slot, ok := table.lookup(key)
			require.Equal(t, found, ok, "step %d: lookup of %s", i/2, key)
			if ok {
				got, err := table.result(slot)
				require.NoError(t, err)
				require.Equal(t, want, dedupRecord{key: key, index: slot.index, hash: slot.hash, result: got})
				continue
			}
			res := Result{Revision: index, Succeeded: steps[i]%2 == 0, Results: []OpResult{{Kind: OpPut, Key: key,
				Entry: Entry{Key: key, Value: nonEmpty(make([]byte, int(steps[i+1])*300)), ModRevision: index}}}}
			table.insert(key, index, uint64(i), &res)
			model.insert(dedupRecord{key: key, index: index, hash: uint64(i), result: res})
			require.Equal(t, len(model.records), table.len())
			require.Len(t, table.byKey, len(model.records), "one map entry per record")
		}
		records := recordsOf(t, table.view())
		if len(model.records) == 0 {
			require.Empty(t, records)
			return
		}
		require.Equal(t, model.records, records)
	})
}
