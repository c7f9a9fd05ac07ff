package node

// OpKind names one operation inside a command.
type OpKind uint8

// The operations a command may carry.
const (
	OpGet    OpKind = 1 // read a key at apply time
	OpPut    OpKind = 2 // set a key's value
	OpDelete OpKind = 3 // remove a key
)

// Op is one operation of a command's success or failure branch.
type Op struct {
	Kind  OpKind
	Key   string
	Value []byte // OpPut only
}

// CompareTarget names what a Compare looks at.
type CompareTarget uint8

// The targets a Compare may test. An absent key has mod revision, create
// revision and version 0 and a nil value.
const (
	TargetMod     CompareTarget = 1 // the key's mod revision
	TargetCreate  CompareTarget = 2 // the key's create revision
	TargetVersion CompareTarget = 3 // the key's version
	TargetValue   CompareTarget = 4 // the key's value, compared bytewise
)

// CompareOp is the relation a Compare asserts between the target and its operand.
type CompareOp uint8

// The relations a Compare may assert: target OP operand.
const (
	CmpEqual    CompareOp = 1
	CmpNotEqual CompareOp = 2
	CmpLess     CompareOp = 3
	CmpGreater  CompareOp = 4
)

// Compare is one guard of a transaction, evaluated at apply time.
type Compare struct {
	Key    string
	Target CompareTarget
	Op     CompareOp
	Number uint64 // operand for TargetMod, TargetCreate and TargetVersion
	Value  []byte // operand for TargetValue
}

// Command is what a replica proposes through Raft: a transaction whose
// compares choose the Success branch (all hold) or the Failure branch. A plain
// put is a Command with one Success op and no compares; a compare-and-swap
// adds one TargetMod compare and a get in Failure to report the current
// revision. An empty command is a no-op, used as the leader's barrier.
type Command struct {
	// IdempotencyKey, when set, makes the command apply at most once: a later
	// command with the same key answers as the first did.
	IdempotencyKey string
	// ProposedAt is the leader's clock (Unix nanoseconds) when it proposed the
	// command; replicas use it, never their own clock, to expire state.
	ProposedAt int64
	Compares   []Compare
	Success    []Op
	Failure    []Op
}

// Entry is one key as stored, with its revisions.
type Entry struct {
	Key   string
	Value []byte
	// CreateRevision is the Raft index of the write that created the key.
	CreateRevision uint64
	// ModRevision is the Raft index of the write that last changed the key.
	ModRevision uint64
	// Version counts the writes since the key was created (1 after creation).
	Version uint64
}

// OpResult is the outcome of one op of the branch a command took.
type OpResult struct {
	Kind OpKind
	Key  string
	// Found reports, for a get, that the key exists and, for a delete, that
	// it existed and was removed.
	Found bool
	// Entry is the key as read (get), as written (put) or as it was before
	// removal (delete). For a put, Entry.Value is nil to keep responses small.
	Entry Entry
}

// Result is what applying a command produced.
type Result struct {
	// Revision is the Raft index of the command; for a replayed idempotent
	// command it is the index of the first application.
	Revision uint64
	// Succeeded reports whether all compares held (true for no compares).
	Succeeded bool
	// Results holds one result per op of the branch taken.
	Results []OpResult
}

// ApplyResponse is what the state machine returns from Apply for every log
// entry. Err is non-nil for a command that was rejected (undecodable, an
// idempotency key reused with different content); such a command changed nothing.
type ApplyResponse struct {
	Result Result
	Err    error
}
