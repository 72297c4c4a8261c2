#include "analysis/Accesses.h"

#include "analysis/Locks.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

bool inSystemHeader(const ASTContext &Ctx, SourceLocation Loc) {
  return Loc.isValid() && Ctx.getSourceManager().isInSystemHeader(Loc);
}

bool plainScalar(QualType T) {
  T = T.getNonReferenceType();
  return T->isScalarType() && !T->isAtomicType() && !T.isConstQualified();
}

/// A function the walk is in, and how it was entered from the one before.
struct Frame {
  const FunctionDecl *Fn = nullptr;
  /// Null for the spawner's own body.
  const Binding *Entered = nullptr;
};

/// A pointer local to \p Fn (any local, in the spawner's frame) bound to an
/// object when it is declared stands for that object.
void throughLocalPointers(ObjectPath &Path, Reach &How, const FunctionDecl *Fn, bool Spawner) {
  for (unsigned Depth = 0; How.ThroughRoot && Depth < 8; ++Depth) {
    const VarDecl *V = Path.root();
    if (!V || isa<ParmVarDecl>(V) || V->hasGlobalStorage() || !V->getInit() ||
        !V->getType()->isPointerType() ||
        !(Spawner || ConcurrencyModel::declaredWithin(V, Fn)))
      return;
    Reach Outer;
    ObjectPath Target = pointeeOf(V->getInit(), Outer);
    if (!Target)
      return;
    Path = Target.append(Path.members());
    How = Outer;
  }
}

struct Walk {
  ConcurrencyModel &Model;
  const std::function<bool(const FunctionDecl *)> &RunsOnce;
  /// The frame the accesses are named in.
  const FunctionDecl *Outer;
  bool InSpawner;
  std::vector<Access> &Out;
};

class AccessWalker : public RecursiveASTVisitor<AccessWalker> {
public:
  AccessWalker(const Walk &W, llvm::SmallVectorImpl<Frame> &Chain, const Stmt *OuterSite,
               bool Locked)
      : W(W), Chain(Chain), OuterSite(OuterSite), Locked(Locked) {}

  bool TraverseLambdaExpr(LambdaExpr *L) {
    // Tasks are analysed on their own; in a spawner, when a lambda runs is
    // not known.
    if (W.InSpawner || W.Model.isTaskLambda(L))
      return true;
    bool Saved = Locked;
    Locked |= OnceLambdas.contains(L);
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
    if (W.RunsOnce(Callee)) {
      for (const Expr *Arg : CE->arguments())
        if (const LambdaExpr *L = ConcurrencyModel::resolveCallable(Arg).Lambda)
          OnceLambdas.insert(L);
      return true;
    }
    if (W.Model.roles().roleOf(Callee) != Role::None)
      return true;
    const FunctionDecl *Def = Callee->getDefinition();
    if (!Def || !Def->hasBody() || inSystemHeader(W.Model.astContext(), Def->getLocation()) ||
        Chain.size() > 4 ||
        llvm::any_of(Chain, [&](const Frame &F) { return F.Fn == Def; }))
      return true;
    if (const auto *MD = dyn_cast<CXXMethodDecl>(Def); MD && MD->getParent()->isLambda())
      return true; // a lambda is walked where it is written
    Binding B = callBinding(CE);
    B.Fn = Def;
    bool LockedAround = Locked || !W.Model.locks().heldAround(Chain.back().Fn, CE).empty();
    Chain.push_back({Def, &B});
    AccessWalker(W, Chain, OuterSite ? OuterSite : CE, LockedAround)
        .TraverseStmt(const_cast<Stmt *>(Def->getBody()));
    Chain.pop_back();
    return true;
  }

private:
  void record(const Expr *Target, const Expr *Site, bool Write, bool RMW) {
    if (!plainScalar(Target->getType()))
      return;
    Reach How;
    ObjectPath Path = objectOf(Target, How);
    // Frame by frame, into the one asked for.
    for (size_t I = Chain.size(); I-- > 0;) {
      if (!Path || How.ThroughMember || How.Address)
        return;
      throughLocalPointers(Path, How, Chain[I].Fn, false);
      if (!Chain[I].Entered)
        break;
      std::optional<Translated> T = translateAccess(Path, How, *Chain[I].Entered);
      if (!T || T->Copy)
        return;
      Path = std::move(T->Path);
      How = T->How;
    }
    if (!Path || How.ThroughMember || How.Address)
      return;
    throughLocalPointers(Path, How, W.Outer, true);
    if (!How.direct() || (Path.root() && Path.root()->getTLSKind() != VarDecl::TLS_None))
      return;
    Access A;
    A.Object = std::move(Path);
    A.Site = OuterSite ? OuterSite : Site;
    A.Inner = Site;
    A.Via = Chain.size() > 1 ? Chain.back().Fn : nullptr;
    A.Write = Write;
    A.ReadModifyWrite = RMW;
    A.Locked = Locked || !W.Model.locks().heldAround(Chain.back().Fn, Site).empty();
    W.Out.push_back(std::move(A));
  }

  const Walk &W;
  llvm::SmallVectorImpl<Frame> &Chain;
  const Stmt *OuterSite;
  bool Locked;
  llvm::DenseSet<const LambdaExpr *> OnceLambdas;
};

} // namespace

Binding spawnBinding(const SpawnSite &S) {
  Binding B;
  B.Fn = S.Task.Fn;
  B.Args.append(S.BoundArgs.begin(), S.BoundArgs.end());
  B.ArgsCopied = true;
  if ((B.Object = ConcurrencyModel::taskObjectArgument(S))) {
    // Passed as a pointer or wrapped in std::ref: the object itself.
    const auto *Wrap = dyn_cast<CallExpr>(B.Object->IgnoreImplicit()->IgnoreParens());
    const FunctionDecl *Callee = Wrap ? Wrap->getDirectCallee() : nullptr;
    bool Wrapped = Callee && Callee->isInStdNamespace() && Callee->getIdentifier() &&
                   llvm::is_contained({"ref", "cref"}, Callee->getName());
    B.ObjectCopied = !B.Object->IgnoreImplicit()->getType()->isPointerType() && !Wrapped;
  }
  return B;
}

AccessAnalysis::AccessAnalysis(ConcurrencyModel &Model,
                               std::function<bool(const FunctionDecl *)> RunsOnce)
    : Model(Model), RunsOnce(std::move(RunsOnce)) {}

const std::vector<Access> &AccessAnalysis::ofTask(const SpawnSite &S) {
  auto [It, Inserted] = Tasks.try_emplace(&S);
  if (Inserted && S.Task && S.Spawner) {
    Binding B = spawnBinding(S);
    llvm::SmallVector<Frame, 6> Chain{{S.Task.Fn, &B}};
    Walk W{Model, RunsOnce, S.Spawner, /*InSpawner=*/false, It->second};
    AccessWalker(W, Chain, nullptr, false).TraverseStmt(const_cast<Stmt *>(S.Task.Fn->getBody()));
  }
  return It->second;
}

const std::vector<Access> &AccessAnalysis::ofBody(const FunctionDecl *Fn) {
  auto [It, Inserted] = Bodies.try_emplace(Fn);
  if (Inserted && Fn && Fn->hasBody()) {
    llvm::SmallVector<Frame, 6> Chain{{Fn, nullptr}};
    Walk W{Model, RunsOnce, Fn, /*InSpawner=*/true, It->second};
    AccessWalker(W, Chain, nullptr, false).TraverseStmt(const_cast<Stmt *>(Fn->getBody()));
  }
  return It->second;
}

} // namespace clang::tidy::csp
