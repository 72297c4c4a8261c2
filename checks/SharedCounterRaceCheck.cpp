#include "SharedCounterRaceCheck.h"

#include "analysis/BodyFlow.h"
#include "analysis/Locks.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <functional>
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
    if (Ctx.Check.roleOf(Callee, nullptr) ==
        SharedCounterRaceCheck::ThreadRole::Once) {
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

/// Where a task has certainly ended, as the spawner's control flow sees
/// it: CFG elements, and branches (a join loop, `if (t.joinable())`) that
/// end it on every way through.
struct TaskEnd {
  llvm::DenseSet<CFGPosition> At;
  llvm::DenseSet<const Stmt *> Terminators;
};

/// A spawner's CFG with implicit and temporary destructors: a std::jthread
/// or a std::async future joins its task where it is destroyed.
class SpawnerGraph {
public:
  SpawnerGraph(const FunctionDecl *Fn, ASTContext &Ctx,
               const ConcurrencyModel &Model)
      : Fn(Fn), Model(Model) {
    if (!Fn->hasBody())
      return;
    CFG::BuildOptions Options;
    Options.AddImplicitDtors = true;
    Options.AddTemporaryDtors = true;
    Options.setAllAlwaysAdd();
    Graph = CFG::buildCFG(Fn, const_cast<Stmt *>(Fn->getBody()), &Ctx, Options);
    if (!Graph)
      return;
    for (const CFGBlock *Block : *Graph) {
      unsigned Index = 0;
      for (const CFGElement &E : *Block) {
        CFGPosition P{Block, Index++};
        if (std::optional<CFGStmt> S = E.getAs<CFGStmt>())
          Where.try_emplace(S->getStmt(), P);
        else if (std::optional<CFGAutomaticObjDtor> D =
                     E.getAs<CFGAutomaticObjDtor>())
          VarDtors[D->getVarDecl()].push_back(P);
        else if (std::optional<CFGTemporaryDtor> T =
                     E.getAs<CFGTemporaryDtor>())
          TempDtors[T->getBindTemporaryExpr()].push_back(P);
      }
    }
  }

  explicit operator bool() const { return Graph != nullptr; }

  /// The element that evaluates \p S, or the nearest one containing it.
  std::optional<CFGPosition> pointOf(const Stmt *S) const {
    for (; S; S = Model.parentOf(S)) {
      if (auto It = Where.find(S); It != Where.end())
        return It->second;
      if (S == Fn->getBody())
        break;
    }
    return std::nullopt;
  }

  void endAt(TaskEnd &End, const Stmt *S) const {
    if (std::optional<CFGPosition> P = pointOf(S))
      End.At.insert(*P);
  }
  void endAtDestructorOf(TaskEnd &End, const VarDecl *V) const {
    if (auto It = VarDtors.find(V); It != VarDtors.end())
      End.At.insert(It->second.begin(), It->second.end());
  }
  bool endAtDestructorOf(TaskEnd &End, const CXXBindTemporaryExpr *E) const {
    auto It = TempDtors.find(E);
    if (It == TempDtors.end())
      return false;
    End.At.insert(It->second.begin(), It->second.end());
    return true;
  }

  /// Whether control can go from just after \p From to \p To (to the exit
  /// when null) without passing an end of the task.
  bool reaches(CFGPosition From, const CFGPosition *To,
               const TaskEnd &End) const {
    return searchCFG(From, [&](CFGPosition P) {
      const auto [Block, Index] = P;
      if (Index < Block->size()) {
        if (To && P == *To)
          return CFGScan::Found;
        return End.At.contains(P) ? CFGScan::Blocked : CFGScan::Through;
      }
      if (!To && Block == &Graph->getExit())
        return CFGScan::Found;
      const Stmt *T = Block->getTerminatorStmt();
      return T && End.Terminators.contains(T) ? CFGScan::Blocked
                                              : CFGScan::Through;
    });
  }

private:
  const FunctionDecl *Fn;
  const ConcurrencyModel &Model;
  std::unique_ptr<CFG> Graph;
  llvm::DenseMap<const Stmt *, CFGPosition> Where;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<CFGPosition, 2>> VarDtors;
  llvm::DenseMap<const CXXBindTemporaryExpr *, llvm::SmallVector<CFGPosition, 1>>
      TempDtors;
};

/// Every member call, and every call argument, of a body (lambdas
/// excluded): where handles are joined, detached or handed on.
class CallIndex : public RecursiveASTVisitor<CallIndex> {
public:
  std::vector<const CXXMemberCallExpr *> MemberCalls;
  std::vector<const CXXOperatorCallExpr *> Assignments;
  /// (argument, call) for arguments of calls and constructions.
  std::vector<std::pair<const Expr *, const Expr *>> Arguments;

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    MemberCalls.push_back(MC);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(CE);
        Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
      Assignments.push_back(Op);
      return true;
    }
    if (isa<CXXMemberCallExpr>(CE) || isa<CXXOperatorCallExpr>(CE))
      for (const Expr *Arg : CE->arguments())
        Arguments.emplace_back(Arg, CE);
    else if (const FunctionDecl *FD = CE->getDirectCallee();
             !FD || !FD->isInStdNamespace() || CE->getNumArgs() != 1 ||
             !FD->getReturnType()->isReferenceType()) // not std::move
      for (const Expr *Arg : CE->arguments())
        Arguments.emplace_back(Arg, CE);
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    // Also a move into another handle: `std::thread t2(std::move(t))`.
    for (const Expr *Arg : CE->arguments())
      Arguments.emplace_back(Arg, CE);
    return true;
  }
};

const Expr *ignoreWrappers(const Expr *E) {
  return E ? E->IgnoreImplicit()->IgnoreParens() : nullptr;
}

/// The container whose element \p E is: `c[i]`, `c.at(i)`, or the
/// variable of a range-for over `c`.
const ValueDecl *containerOf(const ConcurrencyModel &Model, const Expr *E,
                             const VarDecl **LoopVar) {
  E = ignoreWrappers(E);
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return ConcurrencyModel::rootObject(AS->getBase());
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
      Op && Op->getOperator() == OO_Subscript)
    return ConcurrencyModel::rootObject(Op->getArg(0));
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E);
      MC && MC->isLValue())
    return ConcurrencyModel::rootObject(MC->getImplicitObjectArgument());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      if (const DeclStmt *DS = Model.declarationOf(V))
        if (const auto *Range =
                dyn_cast_or_null<CXXForRangeStmt>(Model.parentOf(DS));
            Range && Range->getLoopVariable() == V) {
          *LoopVar = V;
          return ConcurrencyModel::rootObject(Range->getRangeInit());
        }
  return nullptr;
}

/// The variable that \p Init initialises, if it is a declaration's.
const VarDecl *declaredBy(const ConcurrencyModel &Model, const Expr *Init) {
  const Stmt *Node = Init;
  const Stmt *P = Model.parentOf(Node);
  while (P && isa<ImplicitCastExpr, MaterializeTemporaryExpr,
                  CXXBindTemporaryExpr, ExprWithCleanups, ParenExpr>(P)) {
    Node = P;
    P = Model.parentOf(P);
  }
  const auto *DS = dyn_cast_or_null<DeclStmt>(P);
  if (!DS)
    return nullptr;
  for (const Decl *D : DS->decls())
    if (const auto *V = dyn_cast<VarDecl>(D);
        V && V->getInit() &&
        ignoreWrappers(V->getInit()) == ignoreWrappers(cast<Expr>(Node)))
      return V;
  return nullptr;
}

bool mentions(const Stmt *S, const ValueDecl *D) {
  if (!S)
    return false;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S); DRE && DRE->getDecl() == D)
    return true;
  for (const Stmt *Child : S->children())
    if (mentions(Child, D))
      return true;
  return false;
}

struct TaskInfo {
  const SpawnSite *Spawn = nullptr;
  std::vector<Access> Accesses;
  TaskEnd End;
  /// The handle is detached, or handed to code not followed.
  bool Forever = false;
  /// The handle is returned or passed to a function: the code that receives
  /// it decides when the task ends.
  bool HandedOn = false;
};

struct SpawnerInfo {
  std::unique_ptr<SpawnerGraph> Graph;
  std::vector<Access> Accesses;
  CallIndex Calls;
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

SharedCounterRaceCheck::ThreadRole
SharedCounterRaceCheck::roleOf(const FunctionDecl *FD,
                               const Expr *Object) const {
  if (!FD)
    return ThreadRole::None;
  switch (Object ? roles().roleOf(FD, Object->getType()) : roles().roleOf(FD)) {
  case Role::TaskJoin:
    return ThreadRole::Join;
  case Role::TaskDetach:
    return ThreadRole::Detach;
  default:
    return Once.contains(FD) ? ThreadRole::Once : ThreadRole::None;
  }
}

void SharedCounterRaceCheck::checkModel(ConcurrencyModel &Model) {
  ASTContext &Ctx = Model.astContext();
  llvm::DenseSet<const LambdaExpr *> TaskLambdas;
  for (const SpawnSite &S : Model.spawns())
    if (S.Task.Lambda)
      TaskLambdas.insert(S.Task.Lambda);
  WalkContext Walk{Model, *this, TaskLambdas, {}};

  std::vector<TaskInfo> Tasks;
  std::map<const FunctionDecl *, SpawnerInfo> Spawners;
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
  llvm::DenseMap<const FunctionDecl *, llvm::SmallVector<TaskInfo *, 4>>
      BySpawner, ByTaskFn;
  for (TaskInfo &T : Tasks) {
    BySpawner[T.Spawn->Spawner].push_back(&T);
    ByTaskFn[T.Spawn->Task.Fn].push_back(&T);
  }

  // ---- When each task ends, in its spawner. ----------------------------
  // Computed on demand: most spawners start no task that writes a shared
  // scalar, and need no CFG.
  auto ComputeEnd = [&](TaskInfo &T, SpawnerInfo &Info,
                        llvm::DenseSet<const Expr *> &Mine) {
    const SpawnSite &S = *T.Spawn;
    const SpawnerGraph &G = *Info.Graph;
    if (!G)
      return;
    // Ends through the handle; dropped if the handle is detached.
    TaskEnd HandleEnd;

    // A join on an element or handle ends the task; inside a loop over the
    // elements, or under `if (t.joinable())`, the whole loop or if does.
    auto EndAtJoin = [&](const CXXMemberCallExpr *Call, const ValueDecl *Root,
                         bool Element) {
      Mine.insert(Call);
      const Stmt *Barrier = Call, *Child = Call;
      for (const Stmt *P = Model.parentOf(Child); P;
           Child = P, P = Model.parentOf(P)) {
        if (isa<CompoundStmt, ExprWithCleanups, ParenExpr, ImplicitCastExpr>(P))
          continue;
        if (const auto *If = dyn_cast<IfStmt>(P)) {
          if (Child == If->getCond() || !mentions(If->getCond(), Root))
            break;
          Barrier = If;
          continue;
        }
        if (const auto *Range = dyn_cast<CXXForRangeStmt>(P)) {
          if (Child != Range->getBody() || Range->getLoopVariable() != Root)
            break;
          Barrier = Range;
          continue;
        }
        if (Element && isa<ForStmt, WhileStmt>(P)) {
          Barrier = P;
          continue;
        }
        break;
      }
      if (Barrier == Call)
        G.endAt(HandleEnd, Call);
      else
        HandleEnd.Terminators.insert(Barrier);
    };

    const ValueDecl *Handle = nullptr, *Container = nullptr, *Group = nullptr;
    const auto *Site = cast<Expr>(S.Site);
    const FunctionDecl *Callee = nullptr;
    if (const auto *CE = dyn_cast<CallExpr>(Site))
      Callee = CE->getDirectCallee();
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Site))
      Callee = Construct->getConstructor();
    bool IsSpawnCall = isSpawn(Model.roles().roleOf(Callee));

    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Site)) {
      const Expr *Object = MC->getImplicitObjectArgument();
      if (IsSpawnCall)
        Group = ConcurrencyModel::rootObject(Object); // errgroup::go
      else
        Container = ConcurrencyModel::rootObject(Object); // emplace_back
      if (!Group && !Container)
        T.Forever = true;
    } else if (!Site->getType()->isVoidType()) {
      // A handle: a thread, or std::async's future. Follow it to where it
      // is kept.
      const Stmt *Node = Site;
      const CXXBindTemporaryExpr *Temp = nullptr;
      const Stmt *P = Model.parentOf(Node);
      for (; P; Node = P, P = Model.parentOf(P)) {
        if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(P); Bind && !Temp)
          Temp = Bind;
        const auto *Construct = dyn_cast<CXXConstructExpr>(P);
        const auto *Cast = dyn_cast<ExplicitCastExpr>(P);
        if (isa<ImplicitCastExpr, MaterializeTemporaryExpr,
                CXXBindTemporaryExpr, ExprWithCleanups, ParenExpr,
                CXXFunctionalCastExpr>(P) ||
            (Construct && Construct->getNumArgs() == 1 &&
             !isa<CXXTemporaryObjectExpr>(Construct)) ||
            (Cast && Cast->getType()->isVoidType()))
          continue;
        break;
      }
      auto EndAtFullExpression = [&] {
        if (!Temp || !G.endAtDestructorOf(HandleEnd, Temp))
          G.endAt(HandleEnd, Node);
      };
      if (!P) {
        T.Forever = true;
      } else if (const auto *DS = dyn_cast<DeclStmt>(P)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D);
              V && V->getInit() && ignoreWrappers(V->getInit()) ==
                                       ignoreWrappers(cast<Expr>(Node)))
            Handle = V;
        if (!Handle && DS->isSingleDecl())
          Handle = dyn_cast<VarDecl>(DS->getSingleDecl());
        if (!Handle)
          T.Forever = true;
      } else if (const auto *ME = dyn_cast<MemberExpr>(P)) {
        const auto *Call =
            dyn_cast_or_null<CXXMemberCallExpr>(Model.parentOf(ME));
        ThreadRole R = Call ? roleOf(Call->getMethodDecl(), ME->getBase())
                            : ThreadRole::None;
        if (R == ThreadRole::Detach)
          T.Forever = true;
        else if (R == ThreadRole::Join)
          G.endAt(HandleEnd, Call);
        else
          EndAtFullExpression();
      } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P);
                 Op && Op->getOperator() == OO_Equal &&
                 Op->getNumArgs() == 2 && Op->getArg(1) == Node) {
        const Expr *Target = ignoreWrappers(Op->getArg(0));
        const VarDecl *Unused = nullptr;
        if (const ValueDecl *C = containerOf(Model, Target, &Unused);
            C && !isa<DeclRefExpr>(Target))
          Container = C;
        else if (isa<DeclRefExpr, MemberExpr>(Target))
          Handle = ConcurrencyModel::rootObject(Target);
        if (!Container && !Handle)
          T.Forever = true;
      } else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(P)) {
        // `futures.push_back(std::async(...))`.
        Container = ConcurrencyModel::rootObject(Call->getImplicitObjectArgument());
        if (!Container)
          T.Forever = true;
      } else if (isa<Expr, ReturnStmt>(P)) {
        T.Forever = T.HandedOn = true; // handed to code not followed
      } else {
        EndAtFullExpression(); // a discarded temporary
      }
    }

    // The handle's joins and destructor end the task; a detach means it
    // runs on; moved into another handle, the task goes with it.
    const Stmt *CameBy = nullptr; // the move that put the task in Handle
    for (unsigned Hop = 0; Handle && Hop < 4; ++Hop) {
      const ValueDecl *Next = nullptr;
      const Stmt *NextBy = nullptr;
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls) {
        const Expr *Object = MC->getImplicitObjectArgument();
        if (ConcurrencyModel::rootObject(Object) != Handle ||
            !isa<DeclRefExpr, MemberExpr>(ignoreWrappers(Object)))
          continue;
        ThreadRole R = roleOf(MC->getMethodDecl(), Object);
        if (R == ThreadRole::Detach)
          T.Forever = true;
        else if (R == ThreadRole::Join)
          EndAtJoin(MC, Handle, /*Element=*/false);
      }
      for (const CXXOperatorCallExpr *Op : Info.Calls.Assignments) {
        const Expr *Target = ignoreWrappers(Op->getArg(0));
        if (!isa<DeclRefExpr, MemberExpr>(Target) || Model.isWithin(Site, Op) ||
            Op == CameBy)
          continue;
        // Assigning to the handle ends the task it held (a join, a
        // blocking future, or std::terminate).
        if (ConcurrencyModel::rootObject(Target) == Handle)
          G.endAt(HandleEnd, Op);
        else if (ConcurrencyModel::rootObject(Op->getArg(1)) == Handle) {
          Next = ConcurrencyModel::rootObject(Target);
          NextBy = Op;
        }
      }
      for (auto [Arg, Call] : Info.Calls.Arguments) {
        if (ConcurrencyModel::rootObject(Arg) != Handle || Model.isWithin(Site, Call))
          continue;
        if (const auto *Construct = dyn_cast<CXXConstructExpr>(Call))
          if (const VarDecl *V = declaredBy(Model, Construct)) {
            Next = V; // `std::thread t2(std::move(t))`
            continue;
          }
        // `threads.push_back(std::move(t))`, or handed on.
        const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
        const ValueDecl *C =
            MC ? ConcurrencyModel::rootObject(MC->getImplicitObjectArgument())
               : nullptr;
        if (C && C != Handle)
          Container = C;
        else
          T.Forever = T.HandedOn = true;
      }
      if (const auto *V = dyn_cast<VarDecl>(Handle);
          !Next && !Container && V && V->hasLocalStorage())
        G.endAtDestructorOf(HandleEnd, V);
      Handle = Next != Handle ? Next : nullptr;
      CameBy = NextBy;
    }
    if (Container) {
      if (const auto *V = dyn_cast<VarDecl>(Container); V && V->hasLocalStorage())
        G.endAtDestructorOf(HandleEnd, V);
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls) {
        const VarDecl *LoopVar = nullptr;
        if (containerOf(Model, MC->getImplicitObjectArgument(), &LoopVar) !=
                Container ||
            roleOf(MC->getMethodDecl(), MC->getImplicitObjectArgument()) !=
                ThreadRole::Join)
          continue;
        EndAtJoin(MC, LoopVar, /*Element=*/!LoopVar);
      }
    }
    if (Group)
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls)
        if (ConcurrencyModel::rootObject(MC->getImplicitObjectArgument()) ==
                Group &&
            roleOf(MC->getMethodDecl(), MC->getImplicitObjectArgument()) ==
                ThreadRole::Join)
          EndAtJoin(MC, Group, /*Element=*/false);

    if (!T.Forever) {
      T.End.At.insert(HandleEnd.At.begin(), HandleEnd.At.end());
      T.End.Terminators.insert(HandleEnd.Terminators.begin(),
                               HandleEnd.Terminators.end());
    }

    // A wait on a wait group the task calls done on; a receive from a
    // channel the task sends on or closes.
    const BodyFacts &TaskFacts = Model.factsOf(S.Task.Fn);
    const BodyFacts &SpawnerFacts = Model.factsOf(S.Spawner);
    for (const Op &Mine : TaskFacts.Ops) {
      const ValueDecl *Object = Mine.Object;
      if (const auto *P = dyn_cast<ParmVarDecl>(Object);
          P && P->getDeclContext() == S.Task.Fn)
        Object = P->getFunctionScopeIndex() < S.BoundArgs.size()
                     ? ConcurrencyModel::rootObject(
                           S.BoundArgs[P->getFunctionScopeIndex()])
                     : nullptr;
      if (!Object)
        continue;
      bool Done = Mine.Kind == Role::WaitGroupDone;
      bool Signals =
          Mine.Kind == Role::ChannelSend || isClose(Mine.Kind);
      if (!Done && !Signals)
        continue;
      for (const Op &Theirs : SpawnerFacts.Ops) {
        if (Done && Theirs.Kind == Role::WaitGroupWait &&
            Theirs.Object == Object)
          G.endAt(T.End, Theirs.Site);
        if (Signals && isReceive(Theirs.Kind) &&
            (Model.sameChannel(Theirs.Object, Mine.Object) ||
             Model.sameChannel(Theirs.Object, Object))) {
          if (isa<CXXForRangeStmt>(Theirs.Site))
            T.End.Terminators.insert(Theirs.Site);
          else
            G.endAt(T.End, Theirs.Site);
        }
      }
    }
  };
  auto Ensure = [&](const FunctionDecl *Spawner) -> SpawnerInfo & {
    SpawnerInfo &Info = Spawners[Spawner];
    if (Info.Graph)
      return Info;
    Info.Graph = std::make_unique<SpawnerGraph>(Spawner, Ctx, Model);
    Frame F;
    F.Kind = Frame::Spawner;
    F.Fn = Spawner;
    Info.Accesses = collectAccesses(Walk, F);
    Info.Calls.TraverseStmt(const_cast<Stmt *>(Spawner->getBody()));
    llvm::DenseSet<const Expr *> Mine;
    for (TaskInfo *T : BySpawner.lookup(Spawner))
      ComputeEnd(*T, Info, Mine);
    // A join or wait that is no task's own (a promise's future, a latch):
    // the spawner may be waiting for any of its tasks there.
    if (*Info.Graph)
      for (TaskInfo *T : BySpawner.lookup(Spawner))
        for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls)
          if (!Mine.contains(MC) &&
              roleOf(MC->getMethodDecl(), MC->getImplicitObjectArgument()) ==
                  ThreadRole::Join)
            Info.Graph->endAt(T->End, MC);
    return Info;
  };

  // ---- Which tasks run at the same time. --------------------------------
  std::function<bool(const TaskInfo &)> StartedByRepeatedTask;
  auto SpawnPoint = [&](const TaskInfo &T) -> std::optional<CFGPosition> {
    const SpawnerGraph &G = *Ensure(T.Spawn->Spawner).Graph;
    return G ? G.pointOf(T.Spawn->Site) : std::nullopt;
  };
  // Whether \p To (the spawner's exit when null) can run while the task
  // is still running.
  auto Reaches = [&](const TaskInfo &T, const Stmt *To) {
    const SpawnerGraph &G = *Ensure(T.Spawn->Spawner).Graph;
    std::optional<CFGPosition> From = SpawnPoint(T);
    if (!From)
      return false;
    if (!To)
      return G.reaches(*From, nullptr, T.End);
    std::optional<CFGPosition> P = G.pointOf(To);
    return P && G.reaches(*From, &*P, T.End);
  };

  // Several copies of a task run at once: its spawn can run again before
  // the task ends, or its spawner is itself a task of which several copies
  // run at once.
  auto SelfOverlaps = [&](const TaskInfo &T) {
    return Reaches(T, T.Spawn->Site);
  };
  llvm::DenseMap<const TaskInfo *, int> Repeats; // 0 computing, 1 no, 2 yes
  std::function<bool(const TaskInfo &)> RunsRepeatedly =
      [&](const TaskInfo &T) -> bool {
    auto [It, Inserted] = Repeats.try_emplace(&T, 0);
    if (!Inserted)
      return It->second == 2;
    bool Result = SelfOverlaps(T) || StartedByRepeatedTask(T);
    Repeats[&T] = Result ? 2 : 1;
    return Result;
  };
  StartedByRepeatedTask = [&](const TaskInfo &T) {
    return llvm::any_of(ByTaskFn.lookup(T.Spawn->Spawner),
                        [&](const TaskInfo *Outer) {
                          return RunsRepeatedly(*Outer);
                        });
  };

  // A variable made anew in each iteration of the loop that starts the
  // task: each copy gets its own.
  auto PerIteration = [&](const ValueDecl *Base, const TaskInfo &T) {
    const FunctionDecl *Spawner = T.Spawn->Spawner;
    if (!Base || !ConcurrencyModel::declaredWithin(Base, Spawner))
      return false;
    const Stmt *Decl = Model.declarationOf(Base);
    for (const Stmt *P = Model.parentOf(T.Spawn->Site);
         P && P != Spawner->getBody(); P = Model.parentOf(P)) {
      const Stmt *Body = nullptr;
      if (const auto *Range = dyn_cast<CXXForRangeStmt>(P)) {
        if (Range->getLoopVariable() == Base)
          return true;
        Body = Range->getBody();
      } else if (const auto *For = dyn_cast<ForStmt>(P)) {
        Body = For->getBody();
      } else if (const auto *While = dyn_cast<WhileStmt>(P)) {
        Body = While->getBody();
      } else if (const auto *Do = dyn_cast<DoStmt>(P)) {
        Body = Do->getBody();
      }
      if (Body && Decl)
        for (const Stmt *Q = Decl; Q; Q = Model.parentOf(Q))
          if (Q == Body)
            return true;
    }
    return false;
  };

  auto Overlap = [&](const TaskInfo &T, const TaskInfo &U) {
    if (T.Spawn->Spawner == U.Spawn->Spawner)
      return Reaches(T, U.Spawn->Site) || Reaches(U, T.Spawn->Site);
    // A task and the tasks it starts: compared as spawner and task.
    if (U.Spawn->Spawner == T.Spawn->Task.Fn ||
        T.Spawn->Spawner == U.Spawn->Task.Fn)
      return false;
    // Started by different functions: both must outlive their spawners,
    // and not be handed to code that may join them.
    return !T.HandedOn && !U.HandedOn && Reaches(T, nullptr) &&
           Reaches(U, nullptr);
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
      bool ByLoop = SelfOverlaps(T) && !PerIteration(W.Loc.Base, T);
      bool ByOuter = !ByLoop && StartedByRepeatedTask(T) &&
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
        if (U != &T && Touches(*U) && Overlap(T, *U)) {
          Other = U;
          break;
        }
      // A task this one starts, while this one writes.
      if (!Other)
        for (const TaskInfo *U : TasksAccessing.lookup(W.Loc.Key))
          if (U->Spawn->Spawner == T.Spawn->Task.Fn && Touches(*U) &&
              Reaches(*U, W.Site)) {
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
      const SpawnerInfo &Info = Ensure(Spawner);
      for (const Access &A : Info.Accesses) {
        if (A.Locked || !sameLocation(A.Loc, W.Loc) || !Reaches(T, A.Site))
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
