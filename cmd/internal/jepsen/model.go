package jepsen

import (
	"fmt"
	"hash/fnv"

	"github.com/anishathalye/porcupine"
)

// register is the state of one key: absent, or present with a value.
type register struct {
	present bool
	value   string
}

func (r register) String() string {
	if !r.present {
		return "absent"
	}
	return fmt.Sprintf("%q", r.value)
}

// RegisterModel is porcupine's model of treekv's single-key operations: each
// key is an independent register, so histories are checked key by key. A
// get must see the register's state; a put sets it; a cas swaps only if the
// key holds the expected value (or is absent, if it expects that), which
// matches treekv's compare on the mod revision because every write of a
// workload writes a unique value; a delete removes the key and reports
// whether it was there. An operation of unknown outcome may take effect at
// any point after its call, or never.
func RegisterModel() porcupine.Model {
	return porcupine.Model{
		Partition:         partitionByKey,
		Init:              func() any { return register{} },
		Step:              step,
		Equal:             func(a, b any) bool { return a.(register) == b.(register) },
		Hash:              hashRegister,
		DescribeOperation: func(in, _ any) string { return describe(in.(Op)) },
		DescribeState:     func(s any) string { return s.(register).String() },
	}
}

// step applies op to state and reports whether op's outputs are what the
// register would answer.
func step(state, input, _ any) (bool, any) {
	s, op := state.(register), input.(Op)
	switch op.Kind {
	case KindGet:
		return op.Unknown || readMatches(s, op), s
	case KindPut:
		return true, register{present: true, value: op.Value}
	case KindCAS:
		swaps := casMatches(s, op)
		next := s
		if swaps {
			next = register{present: true, value: op.Value}
		}
		return op.Unknown || op.OK == swaps, next
	case KindDelete:
		return op.Unknown || op.Found == s.present, register{}
	}
	return false, s
}

func readMatches(s register, op Op) bool {
	return op.Found == s.present && (!s.present || op.Output == s.value)
}

func casMatches(s register, op Op) bool {
	if op.ExpectAbsent {
		return !s.present
	}
	return s.present && s.value == op.Expected
}

func hashRegister(s any) uint64 {
	r := s.(register)
	h := fnv.New64a()
	if r.present {
		h.Write([]byte{1})
		h.Write([]byte(r.value))
	}
	return h.Sum64()
}

// partitionByKey splits a history into one history per key, in order of
// first appearance.
func partitionByKey(history []porcupine.Operation) [][]porcupine.Operation {
	index := map[string]int{}
	var parts [][]porcupine.Operation
	for _, op := range history {
		key := op.Input.(Op).Key
		i, ok := index[key]
		if !ok {
			i = len(parts)
			index[key] = i
			parts = append(parts, nil)
		}
		parts[i] = append(parts[i], op)
	}
	return parts
}

// describe renders an operation as the visualisation shows it.
func describe(op Op) string {
	var s string
	switch op.Kind {
	case KindGet:
		s = fmt.Sprintf("get(%s) -> %s", op.Key, register{present: op.Found, value: op.Output})
	case KindPut:
		s = fmt.Sprintf("put(%s, %q)", op.Key, op.Value)
	case KindCAS:
		expected := register{present: !op.ExpectAbsent, value: op.Expected}
		s = fmt.Sprintf("cas(%s, %s -> %q) -> %t", op.Key, expected, op.Value, op.OK)
	case KindDelete:
		s = fmt.Sprintf("delete(%s) -> %t", op.Key, op.Found)
	default:
		s = fmt.Sprintf("%s(%s)", op.Kind, op.Key)
	}
	if op.Unknown {
		return s + " -> unknown"
	}
	return s
}
