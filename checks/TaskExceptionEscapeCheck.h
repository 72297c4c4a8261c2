//===--- TaskExceptionEscapeCheck.h - csp-task-exception-escape -----------===//

#ifndef CSP_TIDY_TASKEXCEPTIONESCAPECHECK_H
#define CSP_TIDY_TASKEXCEPTIONESCAPECHECK_H

#include "CspCheckBase.h"
#include "llvm/ADT/DenseMap.h"

namespace clang::tidy::csp {

/// Finds an exception that can leave a task: a `throw`, or a call to a
/// function that throws, with no handler for it inside the task.
///
/// An exception that escapes a thread's function calls std::terminate; the
/// csp runtime, like Go, ends the program with `panic: ...`. One bad job
/// takes every other task down with it. Spawns that hand the exception to
/// whoever waits for the result (std::async) are left alone.
///
/// For the user-facing documentation see docs/checks/task-exception-escape.md.
class TaskExceptionEscapeCheck : public CspCheck {
public:
  TaskExceptionEscapeCheck(StringRef Name, ClangTidyContext *Context,
                           std::shared_ptr<ModelCache> Cache);
  void storeOptions(ClangTidyOptions::OptionMap &Opts) override;

  /// An exception that leaves a body: where in the body it comes from (a
  /// throw, or the call it comes out of), its type (null when not known:
  /// a function named in ThrowingFunctions), and the throw it started at.
  struct Escape {
    const Stmt *Site = nullptr;
    QualType Type;
    const Expr *Origin = nullptr;
    const FunctionDecl *OriginFn = nullptr;
  };

protected:
  void checkModel(ConcurrencyModel &Model) override;

private:
  const std::vector<Escape> &escapesOf(ConcurrencyModel &Model, const FunctionDecl *Fn);

  NameListOption Throwing, Forwarding, Fatal;
  llvm::DenseMap<const FunctionDecl *, std::vector<Escape>> Escapes;
};

} // namespace clang::tidy::csp

#endif
