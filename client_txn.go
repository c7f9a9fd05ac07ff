package kv

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/treekv/kv/node"
)

type (
	// TxnRequest is a transaction: if every compare holds, the Success ops
	// apply, otherwise the Failure ops. All its keys must share one partition.
	TxnRequest = node.TxnRequest
	// TxnCompare is one guard of a transaction: Target ("mod", "create",
	// "version" or "value") Op ("=", "!=", "<", ">") the operand.
	TxnCompare = node.TxnCompare
	// TxnOp is one operation of a transaction branch: "get", "put" or "delete".
	TxnOp = node.TxnOp
	// TxnResponse tells which branch a transaction took, its revision and the
	// result of each op of that branch.
	TxnResponse = node.TxnResponse
	// TxnOpResult is the outcome of one op of the branch a transaction took.
	TxnOpResult = node.TxnOpResult
)

// Txn runs req atomically in its keys' partition and reports which branch
// applied. A transaction whose keys span partitions is refused with
// ErrBadRequest. A transaction with a put or a delete in either branch is
// retried, like every write, with one idempotency key and applies at most
// once; if no answer arrives, the error matches ErrIndeterminate. One that
// only gets is retried as a get is, and then fails with ErrUnavailable.
func (c *Client) Txn(ctx context.Context, req TxnRequest) (TxnResponse, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return TxnResponse{}, node.Errorf(ErrBadRequest, "kv: encoding the transaction: %v", err)
	}
	a := &apiCall{method: http.MethodPost, path: "/v1/txn", body: body,
		contentType: "application/json", write: txnWrites(req)}
	var resp TxnResponse
	if err := c.callJSON(ctx, a, &resp); err != nil {
		return TxnResponse{}, err
	}
	return resp, nil
}

// txnWrites reports whether either branch of req puts or deletes.
func txnWrites(req TxnRequest) bool {
	for _, ops := range [][]TxnOp{req.Success, req.Failure} {
		for _, op := range ops {
			if op.Op != "get" {
				return true
			}
		}
	}
	return false
}
