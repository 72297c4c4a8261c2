#include "analysis/Loops.h"

#include "clang/AST/RecursiveASTVisitor.h"

namespace clang::tidy::csp {

const Stmt *loopBody(const Stmt *Loop) {
  if (const auto *For = dyn_cast_or_null<ForStmt>(Loop))
    return For->getBody();
  if (const auto *While = dyn_cast_or_null<WhileStmt>(Loop))
    return While->getBody();
  if (const auto *Do = dyn_cast_or_null<DoStmt>(Loop))
    return Do->getBody();
  if (const auto *Range = dyn_cast_or_null<CXXForRangeStmt>(Loop))
    return Range->getBody();
  return nullptr;
}

const Expr *loopCondition(const Stmt *Loop) {
  if (const auto *For = dyn_cast_or_null<ForStmt>(Loop))
    return For->getCond();
  if (const auto *While = dyn_cast_or_null<WhileStmt>(Loop))
    return While->getCond();
  if (const auto *Do = dyn_cast_or_null<DoStmt>(Loop))
    return Do->getCond();
  return nullptr;
}

namespace {

class ExitFinder : public RecursiveASTVisitor<ExitFinder> {
public:
  llvm::SmallVector<const Stmt *, 4> Exits;

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool VisitReturnStmt(ReturnStmt *S) { return add(S); }
  bool VisitCoreturnStmt(CoreturnStmt *S) { return add(S); }
  bool VisitGotoStmt(GotoStmt *S) { return add(S); }
  bool VisitCXXThrowExpr(CXXThrowExpr *S) { return add(S); }
  bool VisitCallExpr(CallExpr *CE) {
    if (const FunctionDecl *FD = CE->getDirectCallee(); FD && FD->isNoReturn())
      add(CE);
    return true;
  }
  bool VisitBreakStmt(BreakStmt *S) {
    if (!NestedBreakable)
      add(S);
    return true;
  }
#define NESTED(Kind)                                                           \
  bool Traverse##Kind(Kind *S) {                                               \
    ++NestedBreakable;                                                         \
    bool R = RecursiveASTVisitor::Traverse##Kind(S);                           \
    --NestedBreakable;                                                         \
    return R;                                                                  \
  }
  NESTED(ForStmt)
  NESTED(WhileStmt)
  NESTED(DoStmt)
  NESTED(CXXForRangeStmt)
  NESTED(SwitchStmt)
#undef NESTED

private:
  bool add(const Stmt *S) {
    Exits.push_back(S);
    return true;
  }
  unsigned NestedBreakable = 0;
};

} // namespace

llvm::SmallVector<const Stmt *, 4> loopExits(const Stmt *S) {
  ExitFinder Finder;
  if (S)
    Finder.TraverseStmt(const_cast<Stmt *>(S));
  return std::move(Finder.Exits);
}

namespace {

class ContinueFinder : public RecursiveASTVisitor<ContinueFinder> {
public:
  const ContinueStmt *Found = nullptr;

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool TraverseForStmt(ForStmt *) { return true; }
  bool TraverseWhileStmt(WhileStmt *) { return true; }
  bool TraverseDoStmt(DoStmt *) { return true; }
  bool TraverseCXXForRangeStmt(CXXForRangeStmt *) { return true; }
  bool VisitContinueStmt(ContinueStmt *C) {
    Found = C;
    return false;
  }
};

} // namespace

const ContinueStmt *continueOf(const Stmt *S) {
  ContinueFinder Finder;
  if (S)
    Finder.TraverseStmt(const_cast<Stmt *>(S));
  return Finder.Found;
}

bool continuesLoop(const Stmt *S) { return continueOf(S) != nullptr; }

const Stmt *unconditionalLoopBody(const Stmt *Loop, ASTContext &Ctx) {
  if (!Loop || isa<CXXForRangeStmt>(Loop))
    return nullptr;
  bool Forever = true;
  if (const Expr *Cond = loopCondition(Loop);
      Cond && (Cond->isValueDependent() ||
               !Cond->EvaluateAsBooleanCondition(Forever, Ctx) || !Forever))
    return nullptr;
  return loopBody(Loop);
}

bool loopsForever(const Stmt *Loop, ASTContext &Ctx) {
  const Stmt *Body = unconditionalLoopBody(Loop, Ctx);
  return Body && loopExits(Body).empty();
}

std::optional<llvm::SmallVector<ExitGuard, 2>>
exitGuards(const ConcurrencyModel &Model, const Stmt *Loop, const Stmt *Exit) {
  llvm::SmallVector<ExitGuard, 2> Guards;
  const Stmt *Child = Exit;
  for (const Stmt *P = Model.parentOf(Exit); P && P != Loop;
       Child = P, P = Model.parentOf(P)) {
    if (const auto *If = dyn_cast<IfStmt>(P)) {
      if (Child == If->getCond() || Child == If->getInit() ||
          Child == If->getConditionVariableDeclStmt())
        continue;
      if (If->getConditionVariable() || If->getInit())
        return std::nullopt;
      Guards.push_back({If->getCond(), Child == If->getThen()});
    } else if (const auto *Switch = dyn_cast<SwitchStmt>(P)) {
      if (Child != Switch->getCond())
        Guards.push_back({Switch->getCond(), std::nullopt});
    } else if (const auto *CO = dyn_cast<ConditionalOperator>(P)) {
      if (Child != CO->getCond())
        Guards.push_back({CO->getCond(), Child == CO->getTrueExpr()});
    } else if (const auto *BO = dyn_cast<BinaryOperator>(P);
               BO && BO->isLogicalOp() && Child == BO->getRHS()) {
      Guards.push_back({BO->getLHS(), BO->getOpcode() == BO_LAnd});
    } else if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P)) {
      return std::nullopt;
    }
  }
  return Guards;
}

namespace {

/// The declarations an lvalue expression writes to: `x`, `obj.f` (both the
/// field and `obj`), `*p`, `a[i]`, `v[i]`.
void writtenRoots(const Expr *E, llvm::DenseSet<const Decl *> &Out) {
  for (unsigned Depth = 0; E && Depth < 12; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      Out.insert(DRE->getDecl());
      return;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      Out.insert(ME->getMemberDecl());
      E = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E); Op && Op->getNumArgs() > 0) {
      E = Op->getArg(0);
      continue;
    }
    return;
  }
}

class WriteCollector : public RecursiveASTVisitor<WriteCollector> {
public:
  WriteCollector(const ASTContext &Ctx, const llvm::DenseSet<const LambdaExpr *> &Skip,
                 llvm::DenseSet<const Decl *> &Written)
      : Ctx(Ctx), Skip(Skip), Written(Written) {}

  bool TraverseLambdaExpr(LambdaExpr *L) {
    return Skip.contains(L) || RecursiveASTVisitor::TraverseLambdaExpr(L);
  }
  bool TraverseTypeLoc(TypeLoc) { return true; }

  bool VisitVarDecl(VarDecl *V) {
    const Expr *Init = V->getInit();
    if (isa<ParmVarDecl>(V) || !Init || Init->isValueDependent() || !Init->isEvaluatable(Ctx))
      Written.insert(V);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->isAssignmentOp())
      writtenRoots(BO->getLHS(), Written);
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf)
      writtenRoots(UO->getSubExpr(), Written);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    // A non-const member function may change its object.
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (!MD || !MD->isConst())
        writtenRoots(MC->getImplicitObjectArgument(), Written);
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(CE)) {
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Op->getDirectCallee());
      if (Op->getNumArgs() > 0 && (!MD || !MD->isConst()))
        writtenRoots(Op->getArg(0), Written);
    }
    // An argument bound to a non-const reference may be changed.
    const FunctionDecl *FD = CE->getDirectCallee();
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(CE);
    for (unsigned P = 0; P < Args.size(); ++P) {
      QualType T;
      if (FD && P < FD->getNumParams())
        T = FD->getParamDecl(P)->getType();
      if (T.isNull() || (T->isReferenceType() && !T.getNonReferenceType().isConstQualified()))
        writtenRoots(Args[P], Written);
    }
    return true;
  }

private:
  const ASTContext &Ctx;
  const llvm::DenseSet<const LambdaExpr *> &Skip;
  llvm::DenseSet<const Decl *> &Written;
};

} // namespace

LoopWrites::LoopWrites(const ConcurrencyModel &Model, const FunctionDecl *Body,
                       const Stmt *Loop, const llvm::DenseSet<const LambdaExpr *> &Skip)
    : Model(Model), Body(Body) {
  WriteCollector(Model.astContext(), Skip, Written).TraverseStmt(const_cast<Stmt *>(Loop));
}

bool LoopWrites::invariant(const Expr *E) const {
  if (!E)
    return true;
  E = E->IgnoreImplicit()->IgnoreParens();
  if (isa<IntegerLiteral, CXXBoolLiteralExpr, CXXNullPtrLiteralExpr, FloatingLiteral,
          CharacterLiteral, CXXThisExpr, CXXDefaultArgExpr>(E))
    return true;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *D = DRE->getDecl();
    if (isa<EnumConstantDecl, FunctionDecl>(D))
      return true;
    const auto *V = dyn_cast<VarDecl>(D);
    return V && V->hasLocalStorage() && !V->getType()->isReferenceType() &&
           ConcurrencyModel::declaredWithin(V, Body) && !Written.contains(V);
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    const Expr *Object = MC->getImplicitObjectArgument();
    if (!MD || !MD->isConst() ||
        Model.roles().roleOf(Object->getType()) == TypeRole::Channel ||
        !unchangedObject(Object))
      return false;
    // The object's state may change under it (a context is cancelled), but
    // not because of what the loop does.
    return llvm::all_of(MC->arguments(), [&](const Expr *Arg) { return invariant(Arg); });
  }
  if (const auto *Cast = dyn_cast<CastExpr>(E))
    return invariant(Cast->getSubExpr());
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return !UO->isIncrementDecrementOp() && invariant(UO->getSubExpr());
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    return !BO->isAssignmentOp() && invariant(BO->getLHS()) && invariant(BO->getRHS());
  if (const auto *CO = dyn_cast<ConditionalOperator>(E))
    return invariant(CO->getCond()) && invariant(CO->getTrueExpr()) &&
           invariant(CO->getFalseExpr());
  return false;
}

/// A local or parameter the loop does not write (`ctx` in `ctx.err()`), or
/// what an invariant const call returns. A member or global
/// (`running_.load()`) may be the flag that the code ending the loop clears.
bool LoopWrites::unchangedObject(const Expr *E) const {
  E = E->IgnoreImplicit()->IgnoreParens();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
    return V && V->hasLocalStorage() && !Written.contains(V);
  }
  return isa<CXXMemberCallExpr>(E) && invariant(E);
}

} // namespace clang::tidy::csp
