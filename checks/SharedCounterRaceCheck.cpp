#include "SharedCounterRaceCheck.h"

#include "analysis/Locks.h"
#include "analysis/Tasks.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <map>
#include <memory>

namespace clang::tidy::csp {

namespace {

bool inSystemHeader(const ASTContext &Ctx, SourceLocation Loc) {
  return Loc.isValid() && Ctx.getSourceManager().isInSystemHeader(Loc);
}

bool plainScalar(QualType T) {
  T = T.getNonReferenceType();
  return T->isScalarType() && !T->isAtomicType() && !T.isConstQualified();
}

/// `std::ref(x)`: a reference wrapper passed to a spawn, which otherwise
/// copies its arguments. Returns `x`.
const Expr *referenceWrapped(const Expr *E) {
  E = E->IgnoreImplicit()->IgnoreParens();
  const auto *CE = dyn_cast<CallExpr>(E);
  const FunctionDecl *FD = CE ? CE->getDirectCallee() : nullptr;
  if (!FD || !FD->isInStdNamespace() || CE->getNumArgs() != 1 ||
      !CE->getType()->isRecordType())
    return nullptr;
  return CE->getArg(0);
}

/// A memory location as the spawner's code names it. Fields are told apart
/// by declaration (and, where it is known, by the spawner's variable that
/// holds the object).
struct Location {
  /// The variable, or the field.
  const ValueDecl *Key = nullptr;
  /// For a field: the spawner's variable holding the object; null for the
  /// spawner's `this` or an object the analysis cannot name.
  const ValueDecl *Object = nullptr;
  /// The spawner's variable the location lives in or is reached through.
  const ValueDecl *Base = nullptr;
};

bool sameLocation(const Location &A, const Location &B) {
  return A.Key == B.Key &&
         (A.Object == B.Object || !A.Object || !B.Object);
}

enum class Sharing { Unknown, Private, Shared };

struct Resolved {
  Sharing S = Sharing::Unknown;
  Location Loc;
};

Resolved privately() { return {Sharing::Private, {}}; }
Resolved shared(const ValueDecl *Key, const ValueDecl *Base) {
  return {Sharing::Shared, {Key, nullptr, Base}};
}

/// The code an access is written in, and how its names map to the
/// spawner's.
struct Frame {
  enum KindType { Spawner, Task, Helper } Kind = Spawner;
  const FunctionDecl *Fn = nullptr;
  /// Helper: the frame of the call.
  const Frame *Caller = nullptr;
  /// Task: the spawn.
  const SpawnSite *Spawn = nullptr;
  /// Bound to Fn's parameters: the call's arguments (helper, in the
  /// caller's frame) or the spawn's (task, in the spawner's).
  llvm::ArrayRef<const Expr *> Args;
  /// Helper: the object it is called on, in the caller's frame; null when
  /// it is called on the caller's own `this`.
  const Expr *ThisObject = nullptr;
  bool ThisIsPointer = false;
};

Frame spawnerFrame(const SpawnSite &S) {
  Frame F;
  F.Kind = Frame::Spawner;
  F.Fn = S.Spawner;
  return F;
}

/// Maps the names an access uses to the spawner's locations.
class Resolver {
public:
  Resolved lvalue(const Expr *E, const Frame &F, unsigned Depth = 0) const {
    if (!E || Depth > 16)
      return {};
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
        return var(V, F, Depth + 1);
      return {};
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const auto *Field = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (!Field)
        return {};
      const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
      Resolved Obj = isa<CXXThisExpr>(Base) ? thisObject(F, Depth + 1)
                     : ME->isArrow()        ? pointee(Base, F, Depth + 1)
                                            : lvalue(Base, F, Depth + 1);
      if (Obj.S != Sharing::Shared)
        return Obj;
      Resolved R = shared(Field, Obj.Loc.Base);
      R.Loc.Object = isa_and_nonnull<VarDecl>(Obj.Loc.Key) ? Obj.Loc.Key
                                                           : Obj.Loc.Object;
      return R;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_Deref)
      return pointee(UO->getSubExpr(), F, Depth + 1);
    return {};
  }

private:
  Resolved var(const VarDecl *V, const Frame &F, unsigned Depth) const {
    if (V->getTLSKind() != VarDecl::TLS_None)
      return privately();
    if (V->hasGlobalStorage())
      return shared(V, nullptr);
    if (const auto *P = dyn_cast<ParmVarDecl>(V);
        P && P->getDeclContext() == F.Fn) {
      if (F.Kind == Frame::Spawner)
        return shared(V, V);
      if (!P->getType()->isReferenceType())
        return privately();
      unsigned I = P->getFunctionScopeIndex();
      if (I >= F.Args.size() || !F.Args[I])
        return {};
      if (F.Kind == Frame::Helper)
        return lvalue(F.Args[I], *F.Caller, Depth + 1);
      // A spawn copies its arguments; only a reference wrapper refers back.
      if (const Expr *Referent = referenceWrapped(F.Args[I]))
        return lvalue(Referent, spawnerFrame(*F.Spawn), Depth + 1);
      return privately();
    }
    if (ConcurrencyModel::declaredWithin(V, F.Fn)) {
      if (V->getType()->isReferenceType() && V->getInit()) {
        Resolved R = lvalue(V->getInit(), F, Depth + 1);
        if (R.S == Sharing::Unknown && F.Kind == Frame::Spawner)
          return shared(V, V);
        return R;
      }
      return F.Kind == Frame::Spawner ? shared(V, V) : privately();
    }
    // A variable of an enclosing function.
    if (F.Kind == Frame::Spawner)
      return shared(V, V);
    if (F.Kind == Frame::Task && F.Spawn->Task.Lambda)
      for (const LambdaCapture &C : F.Spawn->Task.Lambda->captures())
        if (C.capturesVariable() && C.getCapturedVar() == V)
          return C.getCaptureKind() == LCK_ByRef
                     ? var(V, spawnerFrame(*F.Spawn), Depth + 1)
                     : privately();
    return {};
  }

  /// What the pointer \p E points to.
  Resolved pointee(const Expr *E, const Frame &F, unsigned Depth) const {
    if (!E || Depth > 16)
      return {};
    E = E->IgnoreParenImpCasts();
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && UO->getOpcode() == UO_AddrOf)
      return lvalue(UO->getSubExpr(), F, Depth + 1);
    if (isa<CXXThisExpr>(E))
      return thisObject(F, Depth + 1);
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *V = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!V || V->hasGlobalStorage() || V->getTLSKind() != VarDecl::TLS_None)
      return {};
    if (const auto *P = dyn_cast<ParmVarDecl>(V);
        P && P->getDeclContext() == F.Fn) {
      unsigned I = P->getFunctionScopeIndex();
      if (F.Kind == Frame::Spawner || I >= F.Args.size() || !F.Args[I])
        return {};
      if (F.Kind == Frame::Helper)
        return pointee(F.Args[I], *F.Caller, Depth + 1);
      return pointee(F.Args[I], spawnerFrame(*F.Spawn), Depth + 1);
    }
    if (ConcurrencyModel::declaredWithin(V, F.Fn) || F.Kind == Frame::Spawner)
      return V->getInit() ? pointee(V->getInit(), F, Depth + 1) : Resolved{};
    // A pointer captured by a task points to the same place either way.
    if (F.Kind == Frame::Task && F.Spawn->Task.Lambda && V->getInit())
      return pointee(V->getInit(), spawnerFrame(*F.Spawn), Depth + 1);
    return {};
  }

  Resolved thisObject(const Frame &F, unsigned Depth) const {
    if (Depth > 16)
      return {};
    switch (F.Kind) {
    case Frame::Spawner:
      return shared(nullptr, nullptr);
    case Frame::Helper:
      if (!F.ThisObject)
        return thisObject(*F.Caller, Depth + 1);
      return F.ThisIsPointer ? pointee(F.ThisObject, *F.Caller, Depth + 1)
                             : lvalue(F.ThisObject, *F.Caller, Depth + 1);
    case Frame::Task:
      break;
    }
    const Callable &Task = F.Spawn->Task;
    if (Task.Lambda) {
      for (const LambdaCapture &C : Task.Lambda->captures())
        if (C.capturesThis())
          return C.getCaptureKind() == LCK_StarThis
                     ? privately()
                     : thisObject(spawnerFrame(*F.Spawn), Depth + 1);
      return {};
    }
    // A function object is copied into its task.
    const auto *MD = dyn_cast<CXXMethodDecl>(Task.Fn);
    if (!MD || MD->getOverloadedOperator() == OO_Call)
      return privately();
    const Expr *Object = ConcurrencyModel::taskObjectArgument(*F.Spawn);
    if (!Object)
      return {};
    Frame Spawner = spawnerFrame(*F.Spawn);
    if (Object->IgnoreImplicit()->getType()->isPointerType())
      return pointee(Object, Spawner, Depth + 1);
    if (const Expr *Referent = referenceWrapped(Object))
      return lvalue(Referent, Spawner, Depth + 1);
    return privately();
  }
};

struct Access {
  Location Loc;
  /// In the body walked (task or spawner): the access, or the call to the
  /// helper that makes it.
  const Stmt *Site = nullptr;
  /// The access itself.
  const Stmt *Inner = nullptr;
  /// The helper the access is made in, if not directly.
  const FunctionDecl *Via = nullptr;
  bool Write = false;
  bool ReadModifyWrite = false;
  bool Locked = false;
};

struct WalkContext {
  const ConcurrencyModel &Model;
  const SharedCounterRaceCheck &Check;
  const llvm::DenseSet<const LambdaExpr *> &TaskLambdas;
  Resolver Names;
};

/// Collects the scalar reads and writes a body makes, and those of the
/// helpers it calls, as locations of the spawner.
class AccessWalker : public RecursiveASTVisitor<AccessWalker> {
public:
  AccessWalker(const WalkContext &Ctx, const Frame &F, bool InSpawner,
               const Stmt *OuterSite, bool Locked, unsigned Depth,
               llvm::SmallVectorImpl<const FunctionDecl *> &Stack,
               std::vector<Access> &Out)
      : Ctx(Ctx), F(F), InSpawner(InSpawner), OuterSite(OuterSite),
        Locked(Locked), Depth(Depth), Stack(Stack), Out(Out) {}

  bool TraverseLambdaExpr(LambdaExpr *L) {
    // Tasks are analysed on their own; in a spawner, when a lambda runs is
    // not known.
    if (InSpawner || Ctx.TaskLambdas.contains(L))
      return true;
    if (!OnceLambdas.contains(L))
      return RecursiveASTVisitor::TraverseLambdaExpr(L);
    bool Saved = Locked;
    Locked = true;
    bool Result = RecursiveASTVisitor::TraverseLambdaExpr(L);
    Locked = Saved;
    return Result;
  }
  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool TraverseNestedNameSpecifierLoc(NestedNameSpecifierLoc) { return true; }

  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      record(UO->getSubExpr(), UO, /*Write=*/true, /*RMW=*/true);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      record(BO->getLHS(), BO, /*Write=*/true, BO->isCompoundAssignmentOp());
    return true;
  }
  bool VisitImplicitCastExpr(ImplicitCastExpr *C) {
    if (C->getCastKind() == CK_LValueToRValue)
      record(C->getSubExpr(), C, /*Write=*/false, /*RMW=*/false);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return true;
    if (Ctx.Check.runsOnce(Callee)) {
      for (const Expr *Arg : CE->arguments())
        if (const LambdaExpr *L = ConcurrencyModel::resolveCallable(Arg).Lambda)
          OnceLambdas.insert(L);
      return true;
    }
    if (Ctx.Model.roles().roleOf(Callee) != Role::None)
      return true;
    const FunctionDecl *Def = Callee->getDefinition();
    if (!Def || !Def->hasBody() ||
        inSystemHeader(Ctx.Model.astContext(), Def->getLocation()) ||
        Depth >= 4 || llvm::is_contained(Stack, Def))
      return true;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(Def);
        MD && MD->getParent()->isLambda())
      return true; // a lambda is walked where it is written
    Frame H;
    H.Kind = Frame::Helper;
    H.Fn = Def;
    H.Caller = &F;
    llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
    if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(Def)) {
      H.ThisObject = Args.empty() ? nullptr : Args.front();
      Args = Args.drop_front();
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      const Expr *Object = MC->getImplicitObjectArgument();
      if (Object && !isa<CXXThisExpr>(Object->IgnoreParenImpCasts())) {
        H.ThisObject = Object;
        H.ThisIsPointer = Object->getType()->isPointerType();
      }
    }
    if (H.ThisObject && isa<CXXThisExpr>(H.ThisObject->IgnoreParenImpCasts()))
      H.ThisObject = nullptr;
    H.Args = Args;
    Stack.push_back(Def);
    AccessWalker(Ctx, H, InSpawner, OuterSite ? OuterSite : CE,
                 Locked || !Ctx.Model.locks().heldAround(F.Fn, CE).empty(), Depth + 1, Stack, Out)
        .TraverseStmt(const_cast<Stmt *>(Def->getBody()));
    Stack.pop_back();
    return true;
  }

private:
  void record(const Expr *Target, const Expr *Site, bool Write, bool RMW) {
    if (!plainScalar(Target->getType()))
      return;
    Resolved R = Ctx.Names.lvalue(Target, F);
    if (R.S != Sharing::Shared || !R.Loc.Key)
      return;
    Access A;
    A.Loc = R.Loc;
    A.Site = OuterSite ? OuterSite : Site;
    A.Inner = Site;
    A.Via = F.Kind == Frame::Helper ? F.Fn : nullptr;
    A.Write = Write;
    A.ReadModifyWrite = RMW;
    A.Locked = Locked || !Ctx.Model.locks().heldAround(F.Fn, Site).empty();
    Out.push_back(A);
  }

  const WalkContext &Ctx;
  const Frame &F;
  bool InSpawner;
  const Stmt *OuterSite;
  bool Locked;
  unsigned Depth;
  llvm::SmallVectorImpl<const FunctionDecl *> &Stack;
  std::vector<Access> &Out;
  llvm::DenseSet<const LambdaExpr *> OnceLambdas;
};

std::vector<Access> collectAccesses(const WalkContext &Ctx, const Frame &F) {
  std::vector<Access> Out;
  llvm::SmallVector<const FunctionDecl *, 4> Stack{F.Fn};
  AccessWalker(Ctx, F, F.Kind == Frame::Spawner, nullptr, false, 0, Stack, Out)
      .TraverseStmt(const_cast<Stmt *>(F.Fn->getBody()));
  return Out;
}

struct TaskInfo {
  const SpawnSite *Spawn = nullptr;
  std::vector<Access> Accesses;
};

} // namespace

SharedCounterRaceCheck::SharedCounterRaceCheck(
    StringRef Name, ClangTidyContext *Context, std::shared_ptr<ModelCache> Cache)
    : CspCheck(Name, Context, std::move(Cache)),
      Once(Options, "OnceFunctions", "::std::call_once") {}

void SharedCounterRaceCheck::storeOptions(ClangTidyOptions::OptionMap &Opts) {
  CspCheck::storeOptions(Opts);
  Once.store(Opts, Options);
}

bool SharedCounterRaceCheck::runsOnce(const FunctionDecl *FD) const {
  Role R = roles().roleOf(FD);
  return R != Role::TaskJoin && R != Role::TaskDetach && Once.contains(FD);
}

void SharedCounterRaceCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const LambdaExpr *> TaskLambdas;
  for (const SpawnSite &S : Model.spawns())
    if (S.Task.Lambda)
      TaskLambdas.insert(S.Task.Lambda);
  WalkContext Walk{Model, *this, TaskLambdas, {}};

  std::vector<TaskInfo> Tasks;
  for (const SpawnSite &S : Model.spawns()) {
    // Cooperative tasks (fibers) run between each other's suspension
    // points, on their spawner's thread: their plain accesses do not race.
    if (!S.Task || !S.Spawner || S.Cooperative ||
        inSystemHeader(Ctx, S.Task.Fn->getLocation()) ||
        inSystemHeader(Ctx, S.Site->getBeginLoc()))
      continue;
    TaskInfo T;
    T.Spawn = &S;
    Frame F;
    F.Kind = Frame::Task;
    F.Fn = S.Task.Fn;
    F.Spawn = &S;
    F.Args = S.BoundArgs;
    T.Accesses = collectAccesses(Walk, F);
    Tasks.push_back(std::move(T));
  }
  TaskLifetimes &Lives = Model.tasks();
  // What the code that started a task accesses, walked on first need.
  std::map<const FunctionDecl *, std::vector<Access>> SpawnerAccesses;
  auto AccessesOf = [&](const FunctionDecl *Spawner) -> const std::vector<Access> & {
    auto [It, Inserted] = SpawnerAccesses.try_emplace(Spawner);
    if (Inserted) {
      Frame F;
      F.Kind = Frame::Spawner;
      F.Fn = Spawner;
      It->second = collectAccesses(Walk, F);
    }
    return It->second;
  };

  // ---- Report. ----------------------------------------------------------
  auto NoteVia = [&](const Access &W) {
    if (W.Via)
      diag(W.Inner->getBeginLoc(), "'%0' writes it here", DiagnosticIDs::Note)
          << displayName(W.Via);
  };
  auto WarnTasks = [&](const Access &W) {
    diag(W.Site->getBeginLoc(),
         "'%0' is written by tasks that run at the same time, with no lock "
         "held: a data race%select{| that loses updates}1; make it "
         "std::atomic or hold a mutex")
        << W.Loc.Key->getNameAsString() << W.ReadModifyWrite;
    NoteVia(W);
  };
  // The tasks that access each location without a lock.
  llvm::DenseMap<const ValueDecl *, llvm::SmallVector<const TaskInfo *, 4>>
      TasksAccessing;
  for (const TaskInfo &T : Tasks)
    for (const Access &A : T.Accesses)
      if (!A.Locked) {
        auto &List = TasksAccessing[A.Loc.Key];
        if (List.empty() || List.back() != &T)
          List.push_back(&T);
      }

  llvm::DenseSet<const ValueDecl *> Reported;
  for (const TaskInfo &T : Tasks) {
    for (const Access &W : T.Accesses) {
      if (!W.Write || W.Locked || Reported.contains(W.Loc.Key) ||
          !reportable(Ctx, W.Site->getBeginLoc()))
        continue;
      const Stmt *SpawnSite = T.Spawn->Site;
      const FunctionDecl *Spawner = T.Spawn->Spawner;

      // Another copy of the same task.
      bool ByLoop = Lives.restartsWhileRunning(*T.Spawn) &&
                    !Lives.freshPerIteration(W.Loc.Base, *T.Spawn);
      bool ByOuter = !ByLoop && Lives.startedByRepeatedTask(*T.Spawn) &&
                     !(W.Loc.Base &&
                       ConcurrencyModel::declaredWithin(W.Loc.Base, Spawner));
      if (ByLoop || ByOuter) {
        Reported.insert(W.Loc.Key);
        WarnTasks(W);
        if (ByLoop && Model.enclosingLoop(SpawnSite, Spawner))
          diag(SpawnSite->getBeginLoc(),
               "the task is started in a loop, so several copies run at once",
               DiagnosticIDs::Note);
        else if (ByLoop)
          diag(SpawnSite->getBeginLoc(),
               "the task is started here, and can be started again before it "
               "ends",
               DiagnosticIDs::Note);
        else
          diag(SpawnSite->getBeginLoc(),
               "the task is started here, by a task of which several copies "
               "run at once",
               DiagnosticIDs::Note);
        continue;
      }

      // Another task.
      const TaskInfo *Other = nullptr;
      auto Touches = [&](const TaskInfo &U) {
        return llvm::any_of(U.Accesses, [&](const Access &A) {
          return !A.Locked && sameLocation(A.Loc, W.Loc);
        });
      };
      for (const TaskInfo *U : TasksAccessing.lookup(W.Loc.Key))
        if (U != &T && Touches(*U) && Lives.mayOverlap(*T.Spawn, *U->Spawn)) {
          Other = U;
          break;
        }
      // A task this one starts, while this one writes.
      if (!Other)
        for (const TaskInfo *U : TasksAccessing.lookup(W.Loc.Key))
          if (U->Spawn->Spawner == T.Spawn->Task.Fn && Touches(*U) &&
              Lives.mayRunAt(*U->Spawn, W.Site)) {
            Other = U;
            break;
          }
      if (Other) {
        Reported.insert(W.Loc.Key);
        WarnTasks(W);
        diag(Other->Spawn->Site->getBeginLoc(),
             "another task that accesses it is started here",
             DiagnosticIDs::Note);
        continue;
      }

      // The code that started it, before it ends.
      for (const Access &A : AccessesOf(Spawner)) {
        if (A.Locked || !sameLocation(A.Loc, W.Loc) || !Lives.mayRunAt(*T.Spawn, A.Site))
          continue;
        Reported.insert(W.Loc.Key);
        diag(W.Site->getBeginLoc(),
             "'%0' is written by a task while the code that started it %select{"
             "reads|writes}1 it, with no lock held: a data race; make it "
             "std::atomic, hold a mutex, or join the task first")
            << W.Loc.Key->getNameAsString() << A.Write;
        NoteVia(W);
        diag(SpawnSite->getBeginLoc(), "the task is started here",
             DiagnosticIDs::Note);
        diag(A.Site->getBeginLoc(),
             "%select{read|written}0 here while the task may still be running",
             DiagnosticIDs::Note)
            << A.Write;
        break;
      }
    }
  }
}

} // namespace clang::tidy::csp
