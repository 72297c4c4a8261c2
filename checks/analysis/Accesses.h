//===--- Accesses.h - which memory a body reads and writes ----------------===//
//
// Which memory a body reads and writes, as its caller or spawner names it:
// the plain scalar reads, writes and read-modify-writes (`++n`, `n += 1`) a
// body makes, and those of the helpers it calls (four calls deep; functions
// with a role, system headers and recursion aside), each with its object as
// an ObjectPath (Objects.h) in the frame asked for.
//
// A task's accesses are named in its spawner's frame, through the spawn's
// binding (translateAccess): what is the task's own is left out — its
// locals, a by-value parameter or capture, `[*this]`, a function object's
// members, an argument the spawn copies (not wrapped in std::ref) — and a
// copied pointer still reaches the spawner's object. A local pointer bound
// to an object (`int *p = &x`) stands for it. What cannot be named is left
// out too: an element of a container, a pointer whose target is not known
// (a parameter of the spawner, a pointer held in a member).
//
// Each access says whether it is surely under a lock (Locks.h, at the access
// or around a call to the helper that makes it) or in a callable run once
// (the caller says which functions run theirs once, as std::call_once).
// In a task or a helper, the lambdas written there are walked in place (the
// ones started as tasks aside); in a spawner none is: when it runs is not
// known.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_ACCESSES_H
#define CSP_TIDY_ANALYSIS_ACCESSES_H

#include "analysis/ConcurrencyModel.h"
#include "analysis/Objects.h"

#include <functional>
#include <map>
#include <vector>

namespace clang::tidy::csp {

struct Access {
  /// The scalar touched, as the frame asked for names it.
  ObjectPath Object;
  /// In the body walked: the access, or the call to the helper that makes it.
  const Stmt *Site = nullptr;
  /// The access itself.
  const Stmt *Inner = nullptr;
  /// The innermost helper the access is made in, if not directly.
  const FunctionDecl *Via = nullptr;
  bool Write = false;
  /// `++n`, `n += 1`: the value written depends on the value read.
  bool ReadModifyWrite = false;
  /// Surely under a lock, or in a callable run once.
  bool Locked = false;
};

/// How a task's frame is entered from its spawner's: the spawn's bound
/// arguments (copied unless wrapped in std::ref), and the object a
/// member-function task runs on (copied unless a pointer or std::ref).
Binding spawnBinding(const SpawnSite &S);

class AccessAnalysis {
public:
  /// \p RunsOnce: the functions that run their callable argument once, in
  /// mutual exclusion.
  AccessAnalysis(ConcurrencyModel &Model,
                 std::function<bool(const FunctionDecl *)> RunsOnce);

  /// The accesses of the task \p S starts, in its spawner's frame; Site is
  /// in the task's body. Computed once.
  const std::vector<Access> &ofTask(const SpawnSite &S);

  /// The accesses of \p Fn's own body (no lambda written in it), as Fn
  /// names them. Computed once.
  const std::vector<Access> &ofBody(const FunctionDecl *Fn);

private:
  ConcurrencyModel &Model;
  std::function<bool(const FunctionDecl *)> RunsOnce;
  std::map<const SpawnSite *, std::vector<Access>> Tasks;
  std::map<const FunctionDecl *, std::vector<Access>> Bodies;
};

} // namespace clang::tidy::csp

#endif
