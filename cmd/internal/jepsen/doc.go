// Package jepsen checks treekv the way Jepsen checks databases: concurrent
// clients run a workload of single-key operations and record a history of
// every call and return; checkers then judge the history. The
// linearizability checker runs porcupine over a model of a single-key
// register; the set checker judges an insert-only workload by the keys that
// remain. Operations whose outcome is unknown stay in the history as
// open-ended, so the checkers accept them whether or not they took effect.
package jepsen
