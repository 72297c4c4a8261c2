#include "analysis/Closing.h"

#include "analysis/Loops.h"

#include "clang/AST/RecursiveASTVisitor.h"

namespace clang::tidy::csp {

namespace {

/// Whether code outside this translation unit may operate on members of
/// \p RD: one of its member functions is declared here and defined
/// elsewhere (or is pure virtual, so overrides elsewhere run instead).
bool definedElsewhere(const RecordDecl *RD) {
  const auto *CRD = dyn_cast_or_null<CXXRecordDecl>(RD);
  if (!CRD || !CRD->hasDefinition())
    return true;
  for (const CXXMethodDecl *MD : CRD->getDefinition()->methods()) {
    if (MD->isImplicit() || MD->isDeleted() || MD->isDefaulted())
      continue;
    if (!MD->hasBody() || MD->isPureVirtual())
      return true;
  }
  return false;
}

/// A member of a class partly defined elsewhere, or a global other
/// translation units can name.
bool reachableFromElsewhere(const ValueDecl *D) {
  if (const auto *F = dyn_cast_or_null<FieldDecl>(D))
    return definedElsewhere(F->getParent());
  if (const auto *V = dyn_cast_or_null<VarDecl>(D))
    return V->hasGlobalStorage() && !V->isStaticLocal() && V->isExternallyVisible();
  return false;
}

bool closedSomewhere(const ChannelInfo &Info) {
  return llvm::any_of(Info.Ops, [](const PlacedOp *O) { return isClose(O->Operation.Kind); });
}

/// The channels handed to code the model does not look into, on top of
/// what it records as escaping.
class HiddenHandOffs : public RecursiveASTVisitor<HiddenHandOffs> {
public:
  explicit HiddenHandOffs(const ConcurrencyModel &Model) : Model(Model) {}

  llvm::SmallVector<const ValueDecl *, 8> Found;

  void run() {
    for (const FunctionDecl *Body : Model.bodies()) {
      if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Body))
        for (const CXXCtorInitializer *Init : Ctor->inits())
          if (const FieldDecl *F = Init->getMember())
            storedIn(F, Init->getInit());
      if (Body->getBody())
        TraverseStmt(const_cast<Stmt *>(Body->getBody()));
    }
  }

  // Each lambda is a body of its own.
  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseTypeLoc(TypeLoc) { return true; }

  bool VisitCallExpr(CallExpr *CE) {
    passed(CE->getDirectCallee(), ConcurrencyModel::explicitArgs(CE));
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (!isChannelType(CE->getType()))
      passed(CE->getConstructor(), llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()));
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      if (const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts()))
        if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl()))
          storedIn(F, BO->getRHS());
    return true;
  }
  bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Op) {
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      if (const auto *F = dyn_cast_or_null<FieldDecl>(ConcurrencyModel::rootObject(Op->getArg(0))))
        storedIn(F, Op->getArg(1));
    return true;
  }
  bool VisitInitListExpr(InitListExpr *IL) {
    ConcurrencyModel::forEachFieldInit(
        IL, [&](const FieldDecl *F, const Expr *Init) { storedIn(F, Init); });
    return true;
  }

private:
  bool isChannelType(QualType T) const { return Model.roles().roleOf(T) == TypeRole::Channel; }

  void mark(const Expr *E) {
    if (E && isChannelType(E->getType()))
      if (const ValueDecl *D = ConcurrencyModel::rootObject(E))
        Found.push_back(D);
  }

  void storedIn(const FieldDecl *F, const Expr *E) {
    if (isChannelType(F->getType()) && definedElsewhere(F->getParent()))
      mark(E);
  }

  void passed(const FunctionDecl *Callee, llvm::ArrayRef<const Expr *> Args) {
    if (!Callee)
      return;
    const auto *MD = dyn_cast<CXXMethodDecl>(Callee);
    bool Hidden = Callee->isTemplateInstantiation() ||
                  (MD && MD->getParent()->isLambda() && MD->getParent()->isGenericLambda()) ||
                  (MD && isa<ClassTemplateSpecializationDecl>(MD->getParent())) ||
                  (MD && MD->isVirtual() && !MD->hasAttr<FinalAttr>() &&
                   !MD->getParent()->hasAttr<FinalAttr>());
    if (!Hidden)
      return;
    // The model already treats the runtime's and the standard library's own
    // functions as what they are.
    if (Model.roles().roleOf(Callee) != Role::None ||
        Model.astContext().getSourceManager().isInSystemHeader(Callee->getLocation()))
      return;
    for (const Expr *Arg : Args)
      mark(Arg);
  }

  const ConcurrencyModel &Model;
};

} // namespace

const ChannelInfo *ClosingFacts::neverClosed(const ValueDecl *D) {
  const ChannelInfo *Info = Model.channel(D);
  if (!Info || !Info->MadeAt || Info->Escapes || closedSomewhere(*Info))
    return nullptr;
  if (reachableFromElsewhere(D) || reachableFromElsewhere(Info->MadeAs) ||
      llvm::any_of(Info->Ops, [](const PlacedOp *O) {
        return reachableFromElsewhere(O->Operation.Object);
      }))
    return nullptr;
  if (!Hidden) {
    HiddenHandOffs Finder(Model);
    Finder.run();
    Hidden = std::move(Finder.Found);
  }
  if (llvm::any_of(*Hidden, [&](const ValueDecl *Other) { return Model.sameChannel(Other, D); }))
    return nullptr;
  return Info;
}

bool ClosingFacts::endless(const ChannelInfo *Info) {
  auto [It, New] = Endless.try_emplace(Info, false);
  if (!New)
    return It->second; // also breaks a cycle of forwarding stages
  bool Result = llvm::any_of(Info->Ops, [&](const PlacedOp *O) {
    if (O->Operation.Kind != Role::ChannelSend || !O->Body)
      return false;
    if (O->Body->isNoReturn())
      return true;
    const Stmt *Top = O->Body->getBody();
    for (const Stmt *P = Model.parentOf(O->Operation.Site); P && P != Top; P = Model.parentOf(P)) {
      if (isa<LambdaExpr>(P))
        break;
      if (loopsForever(P, Model.astContext()))
        return true;
      const auto *Range = dyn_cast<CXXForRangeStmt>(P);
      if (!Range || !loopExits(Range->getBody()).empty())
        continue;
      // A stage forwarding from a stream nobody closes, itself endless.
      for (const PlacedOp &R : Model.operations())
        if (R.Operation.Kind == Role::ChannelRange && R.Operation.Site == Range)
          if (const ChannelInfo *From = Model.channel(R.Operation.Object);
              From && From != Info && !closedSomewhere(*From) && endless(From))
            return true;
    }
    return false;
  });
  Endless[Info] = Result;
  return Result;
}

} // namespace clang::tidy::csp
