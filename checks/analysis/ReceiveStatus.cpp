#include "analysis/ReceiveStatus.h"

#include "analysis/Loops.h"

namespace clang::tidy::csp {

std::optional<OkFlag> okFlagOf(const ConcurrencyModel &Model, const CallExpr *Call) {
  const Stmt *Cur = Call;
  const Stmt *P = Model.parentOf(Cur);
  while (P && isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                  ExprWithCleanups, CXXConstructExpr>(P))
    P = Model.parentOf(Cur = P);
  const auto *DS = dyn_cast_or_null<DeclStmt>(P);
  if (!DS || !DS->isSingleDecl())
    return std::nullopt;
  if (const auto *DD = dyn_cast<DecompositionDecl>(DS->getSingleDecl())) {
    const BindingDecl *Ok = nullptr;
    for (const BindingDecl *B : DD->bindings())
      if (B->getType()->isBooleanType()) {
        if (Ok)
          return std::nullopt;
        Ok = B;
      }
    if (!Ok)
      return std::nullopt;
    return OkFlag{Ok, nullptr};
  }
  const auto *V = dyn_cast<VarDecl>(DS->getSingleDecl());
  const auto *RD = V ? V->getType().getNonReferenceType()->getAsRecordDecl() : nullptr;
  if (!RD)
    return std::nullopt;
  const FieldDecl *Found = nullptr;
  for (const FieldDecl *F : RD->fields())
    if (F->getType()->isBooleanType()) {
      if (Found)
        return std::nullopt;
      Found = F;
    }
  if (!Found)
    return std::nullopt;
  return OkFlag{V, Found};
}

bool isFlag(const Expr *E, const OkFlag &Flag) {
  E = E->IgnoreParenImpCasts();
  if (Flag.Member) {
    const auto *ME = dyn_cast<MemberExpr>(E);
    if (!ME || ME->getMemberDecl() != Flag.Member)
      return false;
    const auto *Base = dyn_cast<DeclRefExpr>(ME->getBase()->IgnoreParenImpCasts());
    return Base && Base->getDecl() == Flag.Var;
  }
  const auto *Ref = dyn_cast<DeclRefExpr>(E);
  return Ref && Ref->getDecl() == Flag.Var;
}

bool isNotFlag(const Expr *E, const OkFlag &Flag) {
  E = E->IgnoreParenImpCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_LNot && isFlag(UO->getSubExpr(), Flag);
  if (const auto *BO = dyn_cast<BinaryOperator>(E); BO && BO->getOpcode() == BO_EQ) {
    auto IsFalse = [](const Expr *X) {
      const auto *B = dyn_cast<CXXBoolLiteralExpr>(X->IgnoreParenImpCasts());
      return B && !B->getValue();
    };
    return (isFlag(BO->getLHS(), Flag) && IsFalse(BO->getRHS())) ||
           (isFlag(BO->getRHS(), Flag) && IsFalse(BO->getLHS()));
  }
  return false;
}

const Stmt *loopUntilClosed(ConcurrencyModel &Model, const FunctionDecl *Body,
                            const CallExpr *Call) {
  if (Model.roles().roleOf(Call->getDirectCallee()) != Role::ChannelReceiveWithStatus)
    return nullptr;
  const Stmt *Loop = Model.enclosingLoop(Call, Body);
  std::optional<OkFlag> Flag = okFlagOf(Model, Call);
  const Stmt *LoopBody = Loop ? unconditionalLoopBody(Loop, Model.astContext()) : nullptr;
  if (!Flag || !LoopBody)
    return nullptr;
  // The receive runs on every iteration.
  for (const Stmt *P = Model.parentOf(Call); P && P != LoopBody; P = Model.parentOf(P))
    if (!isa<Expr, DeclStmt, CompoundStmt>(P))
      return nullptr;
  llvm::SmallVector<const Stmt *, 4> Exits = loopExits(LoopBody);
  if (Exits.empty())
    return nullptr;
  for (const Stmt *Exit : Exits) {
    std::optional<llvm::SmallVector<ExitGuard, 2>> Guards = exitGuards(Model, Loop, Exit);
    if (!Guards || llvm::none_of(*Guards, [&](const ExitGuard &G) {
          return G.WhenTrue && (*G.WhenTrue ? isNotFlag(G.Cond, *Flag) : isFlag(G.Cond, *Flag));
        }))
      return nullptr;
  }
  return Loop;
}

} // namespace clang::tidy::csp
