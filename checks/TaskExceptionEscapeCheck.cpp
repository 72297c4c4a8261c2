#include "TaskExceptionEscapeCheck.h"

#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"


namespace clang::tidy::csp {

namespace {

/// Whether a handler of type \p Caught (null: `catch (...)`) catches an
/// exception of type \p Thrown (null: not known, taken as caught: the check
/// reports only what it is sure escapes).
bool catches(QualType Caught, QualType Thrown) {
  if (Caught.isNull() || Thrown.isNull())
    return true;
  Caught = Caught.getNonReferenceType().getUnqualifiedType();
  Thrown = Thrown.getNonReferenceType().getUnqualifiedType();
  if (Caught->isDependentType() || Thrown->isDependentType())
    return true;
  if (Caught.getCanonicalType() == Thrown.getCanonicalType())
    return true;
  if (const auto *PC = Caught->getAs<PointerType>())
    if (const auto *PT = Thrown->getAs<PointerType>()) {
      Caught = PC->getPointeeType().getUnqualifiedType();
      Thrown = PT->getPointeeType().getUnqualifiedType();
      if (Caught->isVoidType() || Caught.getCanonicalType() == Thrown.getCanonicalType())
        return true;
    }
  const auto *Base = Caught->getAsCXXRecordDecl();
  const auto *Derived = Thrown->getAsCXXRecordDecl();
  return Base && Derived && Derived->hasDefinition() && Derived->isDerivedFrom(Base);
}

/// The spawn's own function: the callee of a call, the constructor of a
/// construction.
const FunctionDecl *spawnFunction(const Expr *Site) {
  if (const auto *Call = dyn_cast<CallExpr>(Site))
    return Call->getDirectCallee();
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(Site))
    return Construct->getConstructor();
  return nullptr;
}

} // namespace

TaskExceptionEscapeCheck::TaskExceptionEscapeCheck(StringRef Name, ClangTidyContext *Context,
                                                   std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      Throwing(Options, "ThrowingFunctions", "::csp::panic"),
      Forwarding(Options, "ForwardingSpawnFunctions", "::std::async"),
      Fatal(Options, "FatalFunctions", "::std::abort;::std::terminate;::std::exit;::std::quick_exit") {}

void TaskExceptionEscapeCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  Throwing.store(Opts, Options);
  Forwarding.store(Opts, Options);
  Fatal.store(Opts, Options);
}

/// The exceptions that leave \p Fn's body. Helpers are followed where their
/// definition is in the main file and they have no role (a channel
/// operation's own failure modes are its checks' business) and are not
/// noexcept; lambdas written in the body run elsewhere and are skipped.
const std::vector<TaskExceptionEscapeCheck::Escape> &
TaskExceptionEscapeCheck::escapesOf(ConcurrencyModel &Model, const FunctionDecl *Fn) {
  if (auto It = Escapes.find(Fn); It != Escapes.end())
    return It->second;
  Escapes[Fn]; // a recursive call sees no exceptions while this one is computed
  std::vector<Escape> Found;
  const SourceManager &SM = Model.astContext().getSourceManager();
  llvm::SmallVector<const CXXTryStmt *, 4> Handlers;

  auto Leaves = [&](Escape E) {
    for (const CXXTryStmt *Try : Handlers)
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
        if (catches(Try->getHandler(I)->getCaughtType(), E.Type))
          return;
    Found.push_back(E);
  };

  // An explicit stack, not recursion: a task computing a 50,000-term sum
  // nests that deep. An entry with Leave set leaves the innermost try block.
  struct Item {
    const Stmt *S;
    bool Leave;
  };
  llvm::SmallVector<Item, 64> Work;
  auto Push = [&](const Stmt *S) {
    if (S)
      Work.push_back({S, false});
  };
  Push(Fn->getBody());
  while (!Work.empty()) {
    Item Top = Work.pop_back_val();
    if (Top.Leave) {
      Handlers.pop_back();
      continue;
    }
    const Stmt *S = Top.S;
    if (isa<LambdaExpr>(S))
      continue;
    if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
      // A handler's own `throw;` or throw goes to the handlers around it:
      // visited after the try block is left.
      for (unsigned I = Try->getNumHandlers(); I-- > 0;)
        Push(Try->getHandler(I)->getHandlerBlock());
      Work.push_back({Try, true});
      Push(Try->getTryBlock());
      Handlers.push_back(Try);
      continue;
    }
    // A discarded `if constexpr` branch never runs.
    if (const auto *If = dyn_cast<IfStmt>(S); If && If->isConstexpr()) {
      if (std::optional<const Stmt *> Taken = If->getNondiscardedCase(Model.astContext())) {
        Push(*Taken);
        Push(If->getInit());
        continue;
      }
    }
    if (const auto *Throw = dyn_cast<CXXThrowExpr>(S)) {
      QualType Type;
      // The exception object is a copy of the operand, arrays and
      // functions decayed to pointers (`throw "bad"` throws a const char*).
      if (const Expr *Operand = Throw->getSubExpr())
        Type = Model.astContext().getAdjustedParameterType(Operand->getType());
      // `throw;` rethrows what its handler caught, of a type not known here.
      Leaves({Throw, Type, Throw, Fn});
      Push(Throw->getSubExpr());
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      const FunctionDecl *Callee = Call->getDirectCallee();
      // A call that ends the program by design (`panic("BUG: ...")`, a test
      // assertion) is not an exception anyone should catch.
      if (Fatal.contains(Callee)) {
        // Its arguments still run first.
      } else if (Throwing.contains(Callee)) {
        Leaves({Call, QualType(), Call, Fn});
      } else if (Callee && Model.roles().roleOf(Callee) == Role::None) {
        const FunctionDecl *Def = Callee->getDefinition();
        const auto *Proto = Callee->getType()->getAs<FunctionProtoType>();
        // A virtual call may run an override that does not throw.
        const auto *Method = dyn_cast<CXXMethodDecl>(Callee);
        bool Dispatched = Method && Method->isVirtual() && !Method->hasAttr<FinalAttr>() &&
                          !Method->getParent()->hasAttr<FinalAttr>();
        if (Def && Def->hasBody() && SM.isInMainFile(Def->getLocation()) &&
            !(Proto && Proto->isNothrow()) && !Dispatched)
          for (const Escape &Inner : escapesOf(Model, Def))
            Leaves({Call, Inner.Type, Inner.Origin, Inner.OriginFn});
      }
    }
    llvm::SmallVector<const Stmt *, 8> Children(S->children());
    for (const Stmt *Child : llvm::reverse(Children))
      Push(Child);
  }
  std::vector<Escape> &Slot = Escapes[Fn];
  Slot = std::move(Found);
  return Slot;
}

void TaskExceptionEscapeCheck::checkModel(ConcurrencyModel &Model) {
  Escapes.clear();
  llvm::DenseSet<const Stmt *> Reported;
  for (const SpawnSite &Spawn : Model.spawns()) {
    if (!Spawn.Task)
      continue;
    const FunctionDecl *By = spawnFunction(Spawn.Site);
    if (Forwarding.contains(By))
      continue;
    for (const Escape &E : escapesOf(Model, Spawn.Task.Fn)) {
      if (!reportable(Model.astContext(), E.Site->getBeginLoc()) ||
          !Reported.insert(E.Site).second)
        continue;
      if (isa<CXXThrowExpr>(E.Site)) {
        diag(E.Site->getBeginLoc(), "exception thrown in a task and not caught there; an "
                                    "exception that escapes a task ends the whole program");
      } else {
        const auto *Callee = cast<CallExpr>(E.Site)->getDirectCallee();
        diag(E.Site->getBeginLoc(), "'%0' can throw, and the task does not catch it; an "
                                    "exception that escapes a task ends the whole program")
            << displayName(Callee);
        if (E.Origin != E.Site)
          diag(E.Origin->getBeginLoc(), "the exception is thrown here, in '%0'",
               DiagnosticIDs::Note)
              << displayName(E.OriginFn);
      }
      diag(Spawn.Site->getBeginLoc(), "the task is started here; catch the exception inside "
                                      "it, or start it with std::async, whose future hands it "
                                      "to the caller of get()",
           DiagnosticIDs::Note);
    }
  }
}

} // namespace clang::tidy::csp
