// The csp reference runtime: Go's concurrency primitives with Go's
// semantics, for C++20. The contract is docs/runtime.md.
#pragma once

#include "csp/detail/chan.hpp"
#include "csp/detail/scheduler.hpp"
#include "csp/detail/sync.hpp"
