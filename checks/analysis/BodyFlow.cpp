//===--- BodyFlow.cpp - where and how often a body's operations run ------===//

#include "analysis/BodyFlow.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {


/// Whether \p T is a class that holds the closure \p Closure as a template
/// argument: `gsl::final_action<lambda>`, `absl::Cleanup<..., lambda>`.
bool holdsClosure(QualType T, const CXXRecordDecl *Closure) {
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      T.getNonReferenceType()->getAsCXXRecordDecl());
  if (!Spec)
    return false;
  auto Holds = [&](const TemplateArgument &A, auto &Self) -> bool {
    if (A.getKind() == TemplateArgument::Pack)
      return llvm::any_of(A.pack_elements(),
                          [&](const TemplateArgument &E) { return Self(E, Self); });
    return A.getKind() == TemplateArgument::Type &&
           A.getAsType().getNonReferenceType()->getAsCXXRecordDecl() == Closure;
  };
  return llvm::any_of(Spec->getTemplateArgs().asArray(),
                      [&](const TemplateArgument &A) { return Holds(A, Holds); });
}

/// Whether \p T can be called: a lambda, `std::function`, a function object.
bool isCallableType(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return false;
  if (RD->isLambda())
    return true;
  for (const CXXMethodDecl *MD : RD->methods())
    if (MD->getOverloadedOperator() == OO_Call)
      return true;
  return false;
}

/// Whether every path through \p Fn's body passes \p Anchor, one of its
/// CFG's statements: no early `return` (or a branch) leaves the body
/// without it.
bool runsOnEveryCall(ConcurrencyModel &Model, const FunctionDecl *Fn, const Stmt *Anchor) {
  const BodyCFG &G = Model.flowGraphOf(Fn);
  std::optional<CFGPosition> At = Anchor ? G.position(Anchor) : std::nullopt;
  if (!G.graph() || !At)
    return false;
  const CFGBlock &Entry = G.graph()->getEntry();
  const CFGBlock *Exit = &G.graph()->getExit();
  return !searchCFG({&Entry, Entry.size()}, [&](CFGPosition P) {
    if (P == *At)
      return CFGScan::Blocked;
    return P.first == Exit ? CFGScan::Found : CFGScan::Through;
  });
}

/// Whether \p Call (a call to a helper the model summarized) performs an
/// operation of role \p R on the object that its caller sees as \p Object on
/// every call: the helper does it unconditionally, directly or through a
/// helper of its own.
bool helperAlwaysDoes(ConcurrencyModel &Model, const Stmt *Site,
                             Role R, const ValueDecl *Object,
                             unsigned Depth = 0) {
  const auto *Call = dyn_cast<CallExpr>(Site);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
  if (!Def || !Def->hasBody() || Depth > 6)
    return false;
  llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Call);
  for (const Op &Inner : Model.factsOf(Def).Ops) {
    if (Inner.Kind != R)
      continue;
    const ValueDecl *Seen = Inner.Object;
    if (const auto *P = dyn_cast<ParmVarDecl>(Seen);
        P && P->getDeclContext() == Def) {
      unsigned I = P->getFunctionScopeIndex();
      Seen = I < Args.size() ? ConcurrencyModel::rootObject(Args[I]) : nullptr;
    }
    if (Seen != Object)
      continue;
    Placement Where = place(Model, Def, Inner.Site, &Model.flowGraphOf(Def));
    if (!Where.Runs || Where.Conditional || !runsOnEveryCall(Model, Def, Where.Anchor))
      continue;
    if (!Inner.Via || helperAlwaysDoes(Model, Inner.Site, R, Inner.Object,
                                       Depth + 1))
      return true;
  }
  return false;
}

/// The statements of \p Body that give \p D a new value: `d = other`, and
/// for an iterator or pointer through which a member is read, `++it`,
/// `p += n`.
llvm::SmallVector<const Stmt *, 4>
reassignments(const FunctionDecl *Body, const ValueDecl *D) {
  struct Finder : RecursiveASTVisitor<Finder> {
    const ValueDecl *D;
    llvm::SmallVector<const Stmt *, 4> Found;
    bool TraverseLambdaExpr(LambdaExpr *) { return true; }
    bool names(const Expr *E) const {
      const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
      return (Ref && Ref->getDecl() == D) ||
             ConcurrencyModel::rootObject(E) == D;
    }
    bool VisitBinaryOperator(BinaryOperator *BO) {
      if (BO->isAssignmentOp() && names(BO->getLHS()))
        Found.push_back(BO);
      return true;
    }
    bool VisitUnaryOperator(UnaryOperator *UO) {
      if (UO->isIncrementDecrementOp() && names(UO->getSubExpr()))
        Found.push_back(UO);
      return true;
    }
    bool VisitCXXOperatorCallExpr(CXXOperatorCallExpr *Op) {
      OverloadedOperatorKind K = Op->getOperator();
      bool Changes = K == OO_Equal || K == OO_PlusPlus || K == OO_MinusMinus ||
                     K == OO_PlusEqual || K == OO_MinusEqual;
      if (Changes && Op->getNumArgs() >= 1 && names(Op->getArg(0)))
        Found.push_back(Op);
      return true;
    }
  } F;
  F.D = D;
  if (Body->getBody())
    F.TraverseStmt(const_cast<Stmt *>(Body->getBody()));
  return F.Found;
}

/// The object a member-function task runs on, as the spawn passes it
/// (`std::thread(&Pool::work, this)`): null for `this`.
std::optional<const ValueDecl *> taskObject(const SpawnSite &S) {
  const Expr *Obj = ConcurrencyModel::taskObjectArgument(S);
  if (!Obj)
    return std::nullopt;
  if (isa<CXXThisExpr>(Obj->IgnoreParenImpCasts()))
    return nullptr;
  if (const ValueDecl *D = ConcurrencyModel::rootObject(Obj))
    return D;
  return std::nullopt;
}

} // namespace

bool searchCFG(CFGPosition From,
               llvm::function_ref<CFGScan(CFGPosition)> Visit) {
  // Scans a block from Index on, its terminator's position included.
  auto ScanBlock = [&](const CFGBlock *B, unsigned Index) {
    for (unsigned I = Index; I <= B->size(); ++I)
      if (CFGScan S = Visit({B, I}); S != CFGScan::Through)
        return S;
    return CFGScan::Through;
  };
  CFGScan First = ScanBlock(From.first, From.second + 1);
  if (First != CFGScan::Through)
    return First == CFGScan::Found;
  llvm::SmallVector<const CFGBlock *, 16> Work;
  llvm::DenseSet<const CFGBlock *> Seen;
  auto Push = [&](const CFGBlock *B) {
    for (const CFGBlock *Succ : B->succs())
      if (Succ && Seen.insert(Succ).second)
        Work.push_back(Succ);
  };
  Push(From.first);
  while (!Work.empty()) {
    const CFGBlock *B = Work.pop_back_val();
    CFGScan S = ScanBlock(B, 0);
    if (S == CFGScan::Found)
      return true;
    if (S == CFGScan::Through)
      Push(B);
  }
  return false;
}

BodyCFG::BodyCFG(const CFG *Graph) : Graph(Graph) {
  if (!Graph)
    return;
  for (const CFGBlock *Block : *Graph) {
    unsigned Index = 0;
    for (const CFGElement &E : *Block) {
      if (std::optional<CFGStmt> S = E.getAs<CFGStmt>()) {
        Where.try_emplace(S->getStmt(), Block, Index);
        // The CFG splits `T a, b;` into one statement per variable.
        if (const auto *DS = dyn_cast<DeclStmt>(S->getStmt()))
          for (const Decl *D : DS->decls())
            if (const auto *V = dyn_cast<ValueDecl>(D))
              DeclaredAt.try_emplace(V, Block, Index);
      }
      ++Index;
    }
    if (const Stmt *Term = Block->getTerminatorStmt())
      Where.try_emplace(Term, Block, Block->size());
  }
}

std::optional<CFGPosition> BodyCFG::position(const Stmt *S) const {
  if (!S)
    return std::nullopt;
  auto It = Where.find(S);
  if (It != Where.end())
    return It->second;
  if (const auto *DS = dyn_cast<DeclStmt>(S))
    if (!DS->decls().empty())
      if (const auto *V = dyn_cast<ValueDecl>(*DS->decl_begin()))
        return declared(V);
  return std::nullopt;
}

bool BodyCFG::reaches(const Stmt *From, const Stmt *To,
                      llvm::ArrayRef<CFGPosition> Avoid) const {
  std::optional<CFGPosition> F = position(From), T = position(To);
  if (!F || !T)
    return false;
  return searchCFG(*F, [&](CFGPosition P) {
    if (P == *T)
      return CFGScan::Found;
    return llvm::is_contained(Avoid, P) ? CFGScan::Blocked : CFGScan::Through;
  });
}

bool BodyCFG::reachedFromEntry(const Stmt *To, llvm::ArrayRef<CFGPosition> Avoid) const {
  std::optional<CFGPosition> T = position(To);
  if (!T || !Graph)
    return false;
  return searchCFG({&Graph->getEntry(), 0}, [&](CFGPosition P) {
    if (P == *T)
      return CFGScan::Found;
    return llvm::is_contained(Avoid, P) ? CFGScan::Blocked : CFGScan::Through;
  });
}

/// A guard made from a null pointer holds nothing, so its deleter never
/// runs: `std::unique_ptr<T, D> g(nullptr, d)`.
static bool holdsNothing(ASTContext &Ctx, const VarDecl *Guard) {
  const auto *Construct =
      Guard->getInit() ? dyn_cast<CXXConstructExpr>(Guard->getInit()->IgnoreImplicit())
                       : nullptr;
  return Construct && Construct->getNumArgs() > 1 &&
         Construct->getArg(0)->isNullPointerConstant(
             Ctx, Expr::NPC_ValueDependentIsNotNull) != Expr::NPCK_NotNull;
}

LambdaUse lambdaUse(const ConcurrencyModel &Model, const LambdaExpr *L) {
  const Stmt *Cur = L;
  bool Stored = false; // kept in an object under construction
  for (const Stmt *P = Model.parentOf(Cur); P; Cur = P, P = Model.parentOf(P)) {
    if (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
            ExprWithCleanups, ParenExpr, CXXFunctionalCastExpr>(P))
      continue;
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(P)) {
      // A conversion to std::function is still the callable itself.
      if (!isCallableType(Construct->getType()))
        Stored = true;
      continue;
    }
    if (isa<InitListExpr>(P)) {
      Stored = true;
      continue;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(P)) {
      const auto *V = DS->isSingleDecl() ? dyn_cast<VarDecl>(DS->getSingleDecl())
                                         : nullptr;
      if (!V || !V->hasLocalStorage() || isCallableType(V->getType()))
        return {};
      if (holdsNothing(Model.astContext(), V))
        return {};
      if (Stored || holdsClosure(V->getType(), L->getLambdaClass()))
        return {LambdaRun::AtScopeExit, DS};
      return {};
    }
    if (const auto *Call = dyn_cast<CallExpr>(P)) {
      if (Stored)
        return {};
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call);
          Op && Op->getOperator() == OO_Call && Op->getArg(0) == Cur)
        return {LambdaRun::Here, Call};
      const FunctionDecl *Callee = Call->getDirectCallee();
      Role R = Model.roles().roleOf(Callee);
      if (R == Role::SelectReceiveCase || R == Role::SelectSendCase ||
          (R == Role::None && Callee && Callee->isInStdNamespace()))
        return {LambdaRun::Maybe, Call};
      // A factory whose result keeps the lambda: `auto g = finally([&] {..})`.
      for (const Stmt *Up = Model.parentOf(Call); Up; Up = Model.parentOf(Up)) {
        if (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                ExprWithCleanups, CXXConstructExpr>(Up))
          continue;
        const auto *DS = dyn_cast<DeclStmt>(Up);
        const auto *V = DS && DS->isSingleDecl()
                            ? dyn_cast<VarDecl>(DS->getSingleDecl())
                            : nullptr;
        if (V && V->hasLocalStorage() &&
            holdsClosure(V->getType(), L->getLambdaClass()))
          return {LambdaRun::AtScopeExit, DS};
        break;
      }
      return {};
    }
    return {};
  }
  return {};
}

Placement place(const ConcurrencyModel &Model, const FunctionDecl *Body,
                       const Stmt *Site, const BodyCFG *G,
                       const Stmt *Upto) {
  Placement Result;
  const Stmt *Top = Body->getBody();
  bool Counting = Site != Upto; // still below Upto
  const Stmt *Child = Site;
  if (G && G->contains(Site))
    Result.Anchor = Site;
  for (unsigned Steps = 0; Child != Top && Steps < 4096; ++Steps) {
    const Stmt *P = Model.parentOf(Child);
    if (!P)
      return {}; // not inside this body
    if (P == Upto)
      Counting = false;
    bool Skipped = false;
    if (const auto *If = dyn_cast<IfStmt>(P))
      Skipped = Child == If->getThen() || Child == If->getElse();
    else if (const auto *Switch = dyn_cast<SwitchStmt>(P))
      Skipped = Child == Switch->getBody();
    else if (const auto *For = dyn_cast<ForStmt>(P))
      Skipped = Child == For->getBody() || Child == For->getInc();
    else if (const auto *While = dyn_cast<WhileStmt>(P))
      Skipped = Child == While->getBody();
    else if (const auto *Range = dyn_cast<CXXForRangeStmt>(P))
      Skipped = Child == Range->getBody();
    else if (const auto *Cond = dyn_cast<AbstractConditionalOperator>(P))
      Skipped = Child == Cond->getTrueExpr() || Child == Cond->getFalseExpr();
    else if (const auto *BO = dyn_cast<BinaryOperator>(P))
      Skipped = BO->isLogicalOp() && Child == BO->getRHS();
    else if (isa<CXXCatchStmt>(P))
      Skipped = true;
    else if (const auto *L = dyn_cast<LambdaExpr>(P);
             L && Child == L->getBody()) {
      LambdaUse Use = lambdaUse(Model, L);
      if (Use.Run == LambdaRun::Unknown)
        return {};
      Skipped = Use.Run == LambdaRun::Maybe;
      if (Use.Run == LambdaRun::AtScopeExit && !Result.Guard)
        Result.Guard = cast<DeclStmt>(Use.Point);
      if (Counting && Skipped)
        Result.Conditional = true;
      // Continue from the statement that runs the lambda.
      Child = Use.Point;
      if (Child == Upto)
        Counting = false;
      if (G && !Result.Anchor && G->contains(Child))
        Result.Anchor = Child;
      continue;
    }
    if (Counting && Skipped)
      Result.Conditional = true;
    Child = P;
    if (G && !Result.Anchor && G->contains(Child))
      Result.Anchor = Child;
  }
  Result.Runs = Child == Top;
  return Result;
}

bool alwaysRuns(ConcurrencyModel &Model, const FunctionDecl *Body,
                       const Op &O, const Stmt *Upto) {
  Placement Where = place(Model, Body, O.Site, Upto ? nullptr : &Model.flowGraphOf(Body), Upto);
  if (!Where.Runs || Where.Conditional || (!Upto && !runsOnEveryCall(Model, Body, Where.Anchor)))
    return false;
  return !O.Via || helperAlwaysDoes(Model, O.Site, O.Kind, O.Object);
}

llvm::SmallVector<CFGPosition, 4>
renewals(const FunctionDecl *Body, const BodyCFG &G, const ValueDecl *D) {
  llvm::SmallVector<CFGPosition, 4> Result;
  if (std::optional<CFGPosition> P = G.declared(D))
    Result.push_back(*P);
  for (const Stmt *S : reassignments(Body, D))
    if (std::optional<CFGPosition> P = G.position(S))
      Result.push_back(*P);
  return Result;
}

ChannelHandle handleIn(const Expr *E, const ValueDecl *D) {
  ChannelHandle H{D, nullptr, true};
  if (!isa<FieldDecl>(D))
    return H;
  for (unsigned Depth = 0; E && Depth < 12; ++Depth) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      const Expr *Base = ME->getBase()->IgnoreParenImpCasts();
      if (isa<CXXThisExpr>(Base))
        return H;
      H.Base = ConcurrencyModel::rootObject(Base);
      H.Known = H.Base != nullptr;
      return H;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
        Construct && Construct->getNumArgs() == 1) {
      E = Construct->getArg(0);
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E);
        MC && isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl())) {
      E = MC->getImplicitObjectArgument();
      continue;
    }
    if (const auto *CE = dyn_cast<CallExpr>(E);
        CE && CE->getNumArgs() == 1 && CE->getDirectCallee() &&
        CE->getDirectCallee()->isInStdNamespace()) {
      E = CE->getArg(0); // std::move, std::ref
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E);
        UO && (UO->getOpcode() == UO_Deref || UO->getOpcode() == UO_AddrOf)) {
      E = UO->getSubExpr();
      continue;
    }
    break;
  }
  H.Known = false;
  return H;
}

ChannelHandle handleOf(const Op &O) {
  ChannelHandle Unknown{O.Object, nullptr, false};
  if (!O.Object)
    return Unknown;
  if (!isa<FieldDecl>(O.Object))
    return {O.Object, nullptr, true};
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(O.Site))
    return handleIn(Range->getRangeInit(), O.Object);
  const auto *Call = dyn_cast<CallExpr>(O.Site);
  if (!Call)
    return Unknown;
  if (!O.Via) {
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
      return handleIn(MC->getImplicitObjectArgument(), O.Object);
    return Call->getNumArgs() ? handleIn(Call->getArg(0), O.Object) : Unknown;
  }
  // Through a helper: the argument that names the channel.
  for (const Expr *Arg : ConcurrencyModel::explicitArgs(Call))
    if (ConcurrencyModel::rootObject(Arg) == O.Object)
      return handleIn(Arg, O.Object);
  // A member function of the channel's owner, called on some object.
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    const Expr *Obj = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
    const auto *RD = MC->getMethodDecl() ? MC->getMethodDecl()->getParent()
                                         : nullptr;
    if (RD && RD == O.Object->getDeclContext()) {
      if (isa<CXXThisExpr>(Obj))
        return {O.Object, nullptr, true};
      if (const ValueDecl *Base = ConcurrencyModel::rootObject(Obj))
        return {O.Object, Base, true};
    }
  }
  return Unknown;
}

bool sameHandle(const ChannelHandle &A, const ChannelHandle &B) {
  if (!A.Known || !B.Known || !A.Decl || !B.Decl || A.Base != B.Base)
    return false;
  if (A.Decl == B.Decl)
    return true;
  auto AliasOf = [](const ValueDecl *X, const ValueDecl *Y) {
    const auto *V = dyn_cast<VarDecl>(X);
    return V && !isa<ParmVarDecl>(V) && V->hasLocalStorage() && V->getInit() &&
           ConcurrencyModel::rootObject(V->getInit()) == Y;
  };
  return AliasOf(A.Decl, B.Decl) || AliasOf(B.Decl, A.Decl);
}

std::optional<ChannelHandle> handleAtSpawn(const SpawnSite &S, const ChannelHandle &InTask) {
  if (!InTask.Known)
    return std::nullopt;
  // A parameter: the argument the spawn binds to it, as the spawner names
  // it (which may be a member, `csp::go(produce, out_)`).
  auto Bound = [&](const ParmVarDecl *P) -> std::optional<ChannelHandle> {
    unsigned I = P->getFunctionScopeIndex();
    if (I >= S.BoundArgs.size() || !S.BoundArgs[I])
      return std::nullopt;
    const ValueDecl *Arg = ConcurrencyModel::rootObject(S.BoundArgs[I]);
    if (!Arg)
      return std::nullopt;
    ChannelHandle H = handleIn(S.BoundArgs[I], Arg);
    if (!H.Known)
      return std::nullopt;
    return H;
  };
  auto IsTaskParam = [&](const ValueDecl *D) -> const ParmVarDecl * {
    const auto *P = dyn_cast<ParmVarDecl>(D);
    return P && P->getDeclContext() == S.Task.Fn ? P : nullptr;
  };
  if (const ParmVarDecl *P = IsTaskParam(InTask.Decl))
    return Bound(P);
  // `[o = out]`: the copy names the channel the initializer names.
  if (const auto *V = dyn_cast<VarDecl>(InTask.Decl); V && V->isInitCapture() && !InTask.Base) {
    const ValueDecl *From = V->getInit() ? ConcurrencyModel::rootObject(V->getInit()) : nullptr;
    if (!From || ConcurrencyModel::declaredWithin(From, S.Task.Fn))
      return std::nullopt;
    ChannelHandle H = handleIn(V->getInit(), From);
    if (!H.Known)
      return std::nullopt;
    return H;
  }
  // The task's own channel is a new one each time it runs.
  if (ConcurrencyModel::declaredWithin(InTask.Decl, S.Task.Fn))
    return std::nullopt;
  ChannelHandle Result{InTask.Decl, nullptr, true};
  if (!isa<FieldDecl>(InTask.Decl))
    return Result;
  if (InTask.Base) {
    // `w.out` where `w` is the task's parameter or the spawner's object.
    if (const ParmVarDecl *P = IsTaskParam(InTask.Base)) {
      std::optional<ChannelHandle> Base = Bound(P);
      if (!Base || Base->Base || isa<FieldDecl>(Base->Decl))
        return std::nullopt;
      Result.Base = Base->Decl;
      return Result;
    }
    if (ConcurrencyModel::declaredWithin(InTask.Base, S.Task.Fn))
      return std::nullopt;
    Result.Base = InTask.Base;
    return Result;
  }
  // `this->member`: a lambda's `this` is its spawner's; a member function
  // runs on the object the spawn passes; a function object's members are
  // the task's own copy.
  const auto *MD = dyn_cast<CXXMethodDecl>(S.Task.Fn);
  if (S.Task.Lambda)
    return Result;
  if (!MD || MD->getOverloadedOperator() == OO_Call)
    return std::nullopt;
  std::optional<const ValueDecl *> Obj = taskObject(S);
  if (!Obj)
    return std::nullopt;
  Result.Base = *Obj;
  return Result;
}

} // namespace clang::tidy::csp
