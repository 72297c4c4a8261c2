#include "analysis/Locks.h"

#include "analysis/BodyFlow.h"
#include "analysis/ConcurrencyModel.h"

#include "llvm/ADT/SmallPtrSet.h"

#include <functional>

namespace clang::tidy::csp {

namespace {

/// The lockset along a path. Small: a body rarely holds more than two.
struct LockSet {
  llvm::SmallVector<HeldLock, 2> Held;

  bool contains(const HeldLock &L) const {
    return llvm::any_of(Held, [&](const HeldLock &H) { return H.sameLock(L); });
  }
  bool operator==(const LockSet &O) const {
    return Held.size() == O.Held.size() &&
           llvm::all_of(Held, [&](const HeldLock &H) { return O.contains(H); });
  }
};

class LocksetAnalysis {
public:
  using State = LockSet;
  explicit LocksetAnalysis(const ApiRoles &Roles) : Roles(Roles) {}

  State entry() const { return {}; }

  State join(const State &A, const State &B) const {
    State Out;
    for (const HeldLock &H : A.Held)
      if (B.contains(H))
        Out.Held.push_back(H);
    return Out;
  }

  void transfer(const CFGElement &E, State &S) const {
    if (std::optional<CFGAutomaticObjDtor> D = E.getAs<CFGAutomaticObjDtor>()) {
      release(S, D->getVarDecl());
      return;
    }
    std::optional<CFGStmt> CS = E.getAs<CFGStmt>();
    if (!CS)
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(CS->getStmt())) {
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && isGuard(V))
          for (ObjectPath &M : LockAnalysis::mutexesLockedBy(V))
            S.Held.push_back({std::move(M), DS, V});
      return;
    }
    const auto *CE = dyn_cast<CallExpr>(CS->getStmt());
    if (!CE)
      return;
    Role R = Roles.roleOf(CE->getDirectCallee());
    if (R != Role::MutexLock && R != Role::MutexUnlock)
      return;
    ObjectPath Target = objectOf(roleObject(CE));
    if (!Target)
      return;
    // `lk.unlock()` / `lk.lock()` on an RAII lock act on its mutexes.
    const auto *Guard = Target.members().empty() ? Target.root() : nullptr;
    if (Guard && !isGuard(Guard))
      Guard = nullptr;
    if (R == Role::MutexUnlock) {
      if (Guard)
        release(S, Guard);
      else
        llvm::erase_if(S.Held, [&](const HeldLock &H) { return H.Mutex == Target; });
      return;
    }
    lock(S, CE);
  }

  /// `if (m.try_lock())`, `while (!lk.try_lock())`: the mutex is held on the
  /// way the branch takes when the lock was got.
  void transferEdge(const CFGBlock &B, unsigned Succ, State &S) const {
    const auto *Cond = dyn_cast_or_null<Expr>(B.getTerminatorCondition());
    if (!Cond || B.succ_size() != 2)
      return;
    bool WhenTrue = true;
    Cond = Cond->IgnoreParenImpCasts();
    while (const auto *Not = dyn_cast<UnaryOperator>(Cond)) {
      if (Not->getOpcode() != UO_LNot)
        return;
      WhenTrue = !WhenTrue;
      Cond = Not->getSubExpr()->IgnoreParenImpCasts();
    }
    const auto *CE = dyn_cast<CallExpr>(Cond);
    if (!CE || Roles.roleOf(CE->getDirectCallee()) != Role::MutexTryLock ||
        (Succ == 0) != WhenTrue)
      return;
    lock(S, CE);
  }

private:
  /// The lock call \p CE (a lock or a try-lock that succeeded) takes its
  /// mutex, or the mutexes of the RAII lock it is called on.
  void lock(State &S, const CallExpr *CE) const {
    ObjectPath Target = objectOf(roleObject(CE));
    if (!Target)
      return;
    const auto *Guard = Target.members().empty() ? Target.root() : nullptr;
    if (!Guard || !isGuard(Guard)) {
      S.Held.push_back({std::move(Target), CE, nullptr});
      return;
    }
    // A deferred lock locked later: its construction's mutex arguments.
    for (ObjectPath &M : LockAnalysis::mutexesLockedBy(Guard, /*Deferred=*/true))
      S.Held.push_back({std::move(M), CE, Guard});
  }

  bool isGuard(const VarDecl *V) const {
    return Roles.roleOf(V->getType()) == TypeRole::ScopedLock;
  }
  static void release(State &S, const VarDecl *Guard) {
    llvm::erase_if(S.Held, [&](const HeldLock &H) { return H.Guard == Guard; });
  }

  const ApiRoles &Roles;
};

} // namespace

struct LockAnalysis::Solved {
  LocksetAnalysis Analysis;
  DataflowResult<LockSet> Result;
};

LockAnalysis::LockAnalysis(ConcurrencyModel &Model) : Model(Model) {}
LockAnalysis::~LockAnalysis() = default;

llvm::SmallVector<ObjectPath, 2> LockAnalysis::mutexesLockedBy(const VarDecl *Guard,
                                                               bool Deferred) {
  llvm::SmallVector<ObjectPath, 2> Mutexes;
  const auto *Construct = Guard->getInit()
                              ? dyn_cast<CXXConstructExpr>(Guard->getInit()->IgnoreImplicit())
                              : nullptr;
  if (!Construct)
    return Mutexes;
  for (const Expr *Arg : Construct->arguments()) {
    const CXXRecordDecl *RD = Arg->getType()->getAsCXXRecordDecl();
    std::string Tag = RD ? qualifiedNameForRoles(RD) : "";
    if (Tag == "std::defer_lock_t" || Tag == "std::try_to_lock_t") {
      if (!Deferred)
        return {};
      continue;
    }
    if (Tag == "std::adopt_lock_t")
      continue;
    if (ObjectPath M = objectOf(Arg))
      Mutexes.push_back(std::move(M));
  }
  return Mutexes;
}

const LockAnalysis::Solved &LockAnalysis::solve(const FunctionDecl *Fn) {
  std::unique_ptr<Solved> &Slot = Results[Fn];
  if (!Slot) {
    Slot.reset(new Solved{LocksetAnalysis(Model.roles()), DataflowResult<LockSet>()});
    if (const CFG *G = Model.cfgOf(Fn))
      Slot->Result = solveForward(*G, Slot->Analysis);
  }
  return *Slot;
}

namespace {

/// The innermost lambda written in \p Body that contains \p S, or null.
const LambdaExpr *enclosingLambda(const ConcurrencyModel &Model, const Stmt *S,
                                  const FunctionDecl *Body) {
  for (const Stmt *P = Model.parentOf(S); P && P != Body->getBody(); P = Model.parentOf(P))
    if (const auto *L = dyn_cast<LambdaExpr>(P); L && L->getBody() != S)
      return L;
  return nullptr;
}

} // namespace

llvm::SmallVector<HeldLock, 2> LockAnalysis::heldIn(const FunctionDecl *Fn, const Stmt *S) {
  const Solved &R = solve(Fn);
  if (!R.Result.Complete)
    return {};
  const BodyCFG &G = Model.flowGraphOf(Fn);
  // A subexpression the CFG does not list runs where its statement does.
  for (const Stmt *Cur = S; Cur && Cur != Fn->getBody(); Cur = Model.parentOf(Cur)) {
    if (std::optional<CFGPosition> P = G.position(Cur)) {
      std::optional<LockSet> Before = stateBefore(R.Result, R.Analysis, *P);
      return Before ? Before->Held : llvm::SmallVector<HeldLock, 2>();
    }
  }
  return {};
}

llvm::SmallVector<HeldLock, 2> LockAnalysis::heldAt(const FunctionDecl *Body, const Stmt *S) {
  const LambdaExpr *L = enclosingLambda(Model, S, Body);
  return heldIn(L ? L->getCallOperator() : Body, S);
}

llvm::SmallVector<HeldLock, 2> LockAnalysis::heldAround(const FunctionDecl *Body,
                                                        const Stmt *S) {
  llvm::SmallVector<HeldLock, 2> Held = heldAt(Body, S);
  for (const LambdaExpr *L = enclosingLambda(Model, S, Body); L && !Model.isTaskLambda(L);
       L = enclosingLambda(Model, L, Body)) {
    const LambdaExpr *Outer = enclosingLambda(Model, L, Body);
    llvm::append_range(Held, heldIn(Outer ? Outer->getCallOperator() : Body, L));
  }
  return Held;
}

/// The operations of the helper \p O goes through that it stands for: the
/// helper's own, of the same role.
static llvm::SmallVector<const Op *, 2> madeByHelper(ConcurrencyModel &Model, const Op &O) {
  llvm::SmallVector<const Op *, 2> Inner;
  if (O.Via)
    for (const Op &I : Model.factsOf(O.Via).Ops)
      if (I.Kind == O.Kind && !I.Via)
        Inner.push_back(&I);
  return Inner;
}

llvm::SmallVector<const ValueDecl *, 2> LockAnalysis::heldDuring(const FunctionDecl *Body,
                                                                 const Op &O) {
  llvm::SmallVector<const ValueDecl *, 2> Result;
  auto Add = [&](const HeldLock &H) {
    if (const ValueDecl *D = H.Mutex.decl(); D && !llvm::is_contained(Result, D))
      Result.push_back(D);
  };
  for (const HeldLock &H : heldAround(Body, O.Site))
    Add(H);
  llvm::SmallVector<const Op *, 2> Inner = madeByHelper(Model, O);
  if (Inner.empty())
    return Result;
  llvm::SmallVector<HeldLock, 2> Common = heldAround(O.Via, Inner.front()->Site);
  for (const Op *I : llvm::drop_begin(Inner)) {
    llvm::SmallVector<HeldLock, 2> Here = heldAround(O.Via, I->Site);
    llvm::erase_if(Common, [&](const HeldLock &C) {
      return llvm::none_of(Here, [&](const HeldLock &H) { return H.Mutex.decl() == C.Mutex.decl(); });
    });
  }
  for (const HeldLock &H : Common)
    Add(H);
  return Result;
}

bool LockAnalysis::locksBefore(const FunctionDecl *Body, const Op &O, const ValueDecl *Mutex) {
  const Stmt *Lock = lockOf(Body, Mutex, O.Site);
  // The call to the helper stands for its lock too: it must come first.
  if (Lock && Lock != O.Site)
    return true;
  return llvm::any_of(madeByHelper(Model, O),
                      [&](const Op *I) { return lockOf(O.Via, Mutex, I->Site) != nullptr; });
}

const Stmt *LockAnalysis::lockOf(const FunctionDecl *Fn, const ValueDecl *Mutex,
                                 const Stmt *Before, const Stmt *After) {
  const ApiRoles &Roles = Model.roles();
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  // Whether a lock at Site in Fn's CFG can come before Before and after
  // After. A site the CFG does not hold (in a lambda) is taken as able to.
  auto InOrder = [&](const Stmt *Site) {
    const BodyCFG &G = Model.flowGraphOf(Fn);
    if (!G.contains(Site))
      return true;
    return (!Before || !G.contains(Before) || G.reaches(Site, Before)) &&
           (!After || !G.contains(After) || G.reaches(After, Site));
  };
  std::function<const Stmt *(const FunctionDecl *, unsigned)> Search =
      [&](const FunctionDecl *F, unsigned Depth) -> const Stmt * {
    if (!F || !F->hasBody() || !Seen.insert(F).second)
      return nullptr;
    llvm::SmallVector<const Stmt *, 32> Work{F->getBody()};
    while (!Work.empty()) {
      const Stmt *Cur = Work.pop_back_val();
      // A task written here runs elsewhere: its locks are its own.
      if (!Cur || (isa<LambdaExpr>(Cur) && Model.isTaskLambda(cast<LambdaExpr>(Cur))))
        continue;
      const Stmt *Found = nullptr;
      if (const auto *DS = dyn_cast<DeclStmt>(Cur)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D);
              V && Roles.roleOf(V->getType()) == TypeRole::ScopedLock &&
              llvm::any_of(mutexesLockedBy(V),
                           [&](const ObjectPath &M) { return M.decl() == Mutex; }))
            Found = DS;
      } else if (const auto *CE = dyn_cast<CallExpr>(Cur)) {
        Role R = Roles.roleOf(CE->getDirectCallee());
        const FunctionDecl *Callee = CE->getDirectCallee();
        if (R == Role::MutexLock && objectOf(roleObject(CE)).decl() == Mutex)
          Found = CE;
        else if (R == Role::None && Depth < 3 && Callee && Callee->getDefinition() &&
                 !Model.astContext().getSourceManager().isInSystemHeader(
                     Callee->getDefinition()->getLocation()) &&
                 Search(Callee->getDefinition(), Depth + 1))
          Found = CE;
      }
      if (Found && (Depth > 0 || InOrder(Found)))
        return Found;
      llvm::append_range(Work, Cur->children());
    }
    return nullptr;
  };
  return Search(Fn, 0);
}

} // namespace clang::tidy::csp
