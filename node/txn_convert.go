package node

import "fmt"

var (
	opNames     = map[string]OpKind{"get": OpGet, "put": OpPut, "delete": OpDelete}
	targetNames = map[string]CompareTarget{"mod": TargetMod, "create": TargetCreate, "version": TargetVersion, "value": TargetValue}
	cmpNames    = map[string]CompareOp{"=": CmpEqual, "!=": CmpNotEqual, "<": CmpLess, ">": CmpGreater}
)

// txnCommand checks a transaction request against the limits and turns it
// into a Command, returning every key it names.
func (l Limits) txnCommand(req *TxnRequest) (*Command, []string, error) {
	total := len(req.Compare) + len(req.Success) + len(req.Failure)
	if total == 0 {
		return nil, nil, Errorf(ErrBadRequest, "transaction has no compares and no operations")
	}
	if total > l.MaxTxnOps {
		return nil, nil, Errorf(ErrTooLarge, "transaction has %d compares and operations, over the limit of %d", total, l.MaxTxnOps)
	}
	cmd := &Command{}
	var keys []string
	var err error
	if cmd.Compares, keys, err = l.compares(req.Compare, keys); err != nil {
		return nil, nil, err
	}
	if cmd.Success, keys, err = l.ops("success", req.Success, keys); err != nil {
		return nil, nil, err
	}
	if cmd.Failure, keys, err = l.ops("failure", req.Failure, keys); err != nil {
		return nil, nil, err
	}
	return cmd, keys, nil
}

func (l Limits) compares(in []TxnCompare, keys []string) ([]Compare, []string, error) {
	out := make([]Compare, len(in))
	for i, c := range in {
		target, ok := targetNames[c.Target]
		if !ok {
			return nil, nil, Errorf(ErrBadRequest, "compare %d: unknown target %q: use mod, create, version or value", i, c.Target)
		}
		op, ok := cmpNames[c.Op]
		if !ok {
			return nil, nil, Errorf(ErrBadRequest, "compare %d: unknown op %q: use =, !=, < or >", i, c.Op)
		}
		if err := l.checkKey(c.Key); err != nil {
			return nil, nil, fmt.Errorf("compare %d: %w", i, err)
		}
		out[i] = Compare{Key: c.Key, Target: target, Op: op, Number: c.Number, Value: c.Value}
		keys = append(keys, c.Key)
	}
	return out, keys, nil
}

func (l Limits) ops(branch string, in []TxnOp, keys []string) ([]Op, []string, error) {
	out := make([]Op, len(in))
	for i, o := range in {
		kind, ok := opNames[o.Op]
		if !ok {
			return nil, nil, Errorf(ErrBadRequest, "%s op %d: unknown op %q: use get, put or delete", branch, i, o.Op)
		}
		if err := l.checkKey(o.Key); err != nil {
			return nil, nil, fmt.Errorf("%s op %d: %w", branch, i, err)
		}
		if len(o.Value) > l.MaxValueSize {
			return nil, nil, Errorf(ErrTooLarge, "%s op %d: value is %d bytes, over the limit of %d", branch, i, len(o.Value), l.MaxValueSize)
		}
		if kind != OpPut && o.Value != nil {
			return nil, nil, Errorf(ErrBadRequest, "%s op %d: a %s takes no value", branch, i, o.Op)
		}
		out[i] = Op{Kind: kind, Key: o.Key, Value: o.Value}
		keys = append(keys, o.Key)
	}
	return out, keys, nil
}

// txnResponse turns an applied command's result into the wire answer.
func txnResponse(res Result) TxnResponse {
	out := TxnResponse{Succeeded: res.Succeeded, Revision: res.Revision, Results: make([]TxnOpResult, len(res.Results))}
	for i, r := range res.Results {
		out.Results[i] = TxnOpResult{
			Op:             opName(r.Kind),
			Key:            r.Key,
			Found:          r.Found,
			Value:          r.Entry.Value,
			Revision:       r.Entry.ModRevision,
			CreateRevision: r.Entry.CreateRevision,
			Version:        r.Entry.Version,
		}
		if r.Kind == OpDelete {
			out.Results[i].Revision = res.Revision
		}
	}
	return out
}

func opName(k OpKind) string {
	for name, kind := range opNames {
		if kind == k {
			return name
		}
	}
	return "unknown"
}
