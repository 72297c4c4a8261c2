#include "analysis/Bounds.h"

#include "analysis/BodyFlow.h"
#include "analysis/Counts.h"
#include "analysis/Flow.h"

namespace clang::tidy::csp {

namespace {

bool sameFacts(const CountFacts &A, const CountFacts &B) {
  return A.AtLeastOne == B.AtLeastOne && A.Origin.K == B.Origin.K &&
         A.Origin.Source == B.Origin.Source && A.Origin.Param == B.Origin.Param;
}

/// What is known of each object a body has written or tested; an object
/// that is not listed has the value it had on entry.
struct CountState {
  llvm::SmallVector<std::pair<ObjectPath, CountFacts>, 4> Known;
  /// Objects a test the analysis cannot see into has judged (`valid(n)`,
  /// `cfg.valid()`, a helper that throws): they and their members are
  /// taken to be at least 1 until written again.
  llvm::SmallVector<ObjectPath, 2> Validated;

  bool validated(const ObjectPath &P) const {
    return llvm::any_of(Validated, [&](const ObjectPath &V) { return P.startsWith(V); });
  }
  void validate(const ObjectPath &P) {
    for (auto &[Path, F] : Known)
      if (Path.startsWith(P))
        F = {true, {}};
    if (!llvm::is_contained(Validated, P))
      Validated.push_back(P);
  }
  const CountFacts *find(const ObjectPath &P) const {
    for (const auto &[Path, F] : Known)
      if (Path == P)
        return &F;
    return nullptr;
  }
  void set(const ObjectPath &P, CountFacts F) {
    if (F.AtLeastOne)
      F.Origin = {};
    for (auto &[Path, Old] : Known)
      if (Path == P) {
        Old = F;
        return;
      }
    Known.push_back({P, F});
  }
  bool operator==(const CountState &O) const {
    if (Known.size() != O.Known.size() || Validated.size() != O.Validated.size() ||
        !llvm::all_of(Validated, [&](const ObjectPath &V) { return llvm::is_contained(O.Validated, V); }))
      return false;
    for (const auto &[Path, F] : Known) {
      const CountFacts *G = O.find(Path);
      if (!G || !sameFacts(F, *G))
        return false;
    }
    return true;
  }
};

/// Casts, parentheses, temporaries, copies and the standard library's
/// one-argument constructions (a `std::string` made from a `char *`, its
/// allocator left to the default) keep
/// where a value comes from; a user's own constructor may check or clamp
/// what it is given.
const Expr *strip(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *C = dyn_cast<ExplicitCastExpr>(Next))
      Next = C->getSubExpr();
    else if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(Next))
      Next = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(Next))
      Next = B->getSubExpr();
    else if (const auto *W = dyn_cast<ExprWithCleanups>(Next))
      Next = W->getSubExpr();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(Next);
             CE && CE->getNumArgs() >= 1 && !isa<CXXTemporaryObjectExpr>(CE) &&
             llvm::all_of(llvm::drop_begin(CE->arguments()),
                          [](const Expr *A) { return isa<CXXDefaultArgExpr>(A); }) &&
             (CE->getConstructor()->isCopyOrMoveConstructor() ||
              CE->getConstructor()->getParent()->isInStdNamespace()))
      Next = CE->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

/// `std::max`, `std::min`, `std::clamp`: the standard's own value
/// functions, as much part of the language as `std::move`.
enum class Clamp { None, Max, Min, Clamp };
Clamp clampOf(const FunctionDecl *FD) {
  if (!FD || !FD->isInStdNamespace() || !FD->getIdentifier())
    return Clamp::None;
  llvm::StringRef N = FD->getName();
  return N == "max" ? Clamp::Max : N == "min" ? Clamp::Min : N == "clamp" ? Clamp::Clamp : Clamp::None;
}

class CountAnalysis {
public:
  using State = CountState;

  CountAnalysis(ASTContext &Ctx, const FunctionDecl *Body, const CountInputs &Inputs)
      : Ctx(Ctx), Body(Body), Inputs(Inputs) {}

  State entry() const { return {}; }

  State join(const State &A, const State &B) const {
    State Out;
    auto Merge = [&](const ObjectPath &P) {
      if (Out.find(P))
        return;
      CountFacts FA = lookup(P, A), FB = lookup(P, B);
      CountFacts F;
      F.AtLeastOne = FA.AtLeastOne && FB.AtLeastOne;
      F.Origin = FA.Origin ? FA.Origin : FB.Origin;
      Out.set(P, F);
    };
    for (const auto &KV : A.Known)
      Merge(KV.first);
    for (const auto &KV : B.Known)
      Merge(KV.first);
    for (const ObjectPath &V : A.Validated)
      if (llvm::is_contained(B.Validated, V))
        Out.Validated.push_back(V);
    return Out;
  }

  void transfer(const CFGElement &E, State &S) const {
    if (std::optional<CFGStmt> CS = E.getAs<CFGStmt>())
      writes(CS->getStmt(), S);
  }

  void transferEdge(const CFGBlock &From, unsigned Succ, State &S) const {
    if (From.succ_size() != 2)
      return;
    const auto *C = dyn_cast_or_null<Expr>(From.getTerminatorCondition());
    // The block that tests the right operand of `&&`/`||` ends in the
    // statement whose condition is the whole expression.
    while (C) {
      const auto *BO = dyn_cast<BinaryOperator>(C->IgnoreParenImpCasts());
      if (!BO || !BO->isLogicalOp())
        break;
      C = BO->getRHS();
    }
    if (C)
      learn(C, Succ == 0, S);
  }

  CountFacts eval(const Expr *E, const State &S) const {
    E = strip(E);
    if (!E)
      return {};
    if (std::optional<int64_t> V = constantArgument(Ctx, E)) {
      CountFacts F;
      F.AtLeastOne = *V >= 1;
      if (!F.AtLeastOne)
        F.Origin = {CountOrigin::Kind::Zero, E, nullptr};
      return F;
    }
    if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
      State T = S, F = S;
      learn(CO->getCond(), true, T);
      learn(CO->getCond(), false, F);
      return either(eval(CO->getTrueExpr(), T), eval(CO->getFalseExpr(), F));
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Call);
      if (FD && Inputs.Reads && Inputs.Reads(FD))
        return {false, {CountOrigin::Kind::Input, E, nullptr}};
      if (FD && !Args.empty() && Inputs.Converts && Inputs.Converts(FD))
        return {false, eval(Args[0], S).Origin};
      Clamp K = clampOf(FD);
      if (K == Clamp::None || Args.empty())
        return {};
      llvm::SmallVector<CountFacts, 3> Fs;
      for (const Expr *A : Args)
        Fs.push_back(eval(A, S));
      if (K == Clamp::Clamp)
        return Fs.size() >= 2 && Fs[1].AtLeastOne ? CountFacts{true, {}} : CountFacts{false, Fs[0].Origin};
      CountFacts Out = Fs[0];
      for (const CountFacts &F : llvm::ArrayRef(Fs).drop_front())
        Out = K == Clamp::Max ? CountFacts{Out.AtLeastOne || F.AtLeastOne, {}} : either(Out, F);
      if (K == Clamp::Max && !Out.AtLeastOne)
        for (const CountFacts &F : Fs)
          if (F.Origin && !Out.Origin)
            Out.Origin = F.Origin;
      return Out;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
      return {false, eval(AS->getBase(), S).Origin};
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      CountFacts L = eval(BO->getLHS(), S), R = eval(BO->getRHS(), S);
      switch (BO->getOpcode()) {
      case BO_Add:
      case BO_Mul:
        if (L.AtLeastOne && R.AtLeastOne)
          return {true, {}};
        // `n + 1` was meant to be at least 1; it is not said to be 0.
        if (BO->getOpcode() == BO_Add && (L.AtLeastOne || R.AtLeastOne))
          return {};
        [[fallthrough]];
      case BO_Sub:
      case BO_Div:
      case BO_Rem:
      case BO_Shr:
        return {false, L.Origin ? L.Origin : R.Origin};
      default:
        return {};
      }
    }
    if (isa<DeclRefExpr, MemberExpr>(E))
      if (ObjectPath P = objectOf(E)) {
        CountFacts F = lookup(P, S);
        if (F.Origin.K == CountOrigin::Kind::Parameter && !F.Origin.Source)
          F.Origin.Source = E;
        return F;
      }
    return {};
  }

  /// What \p Cond being \p Truth says: `n > 0`, `n >= 1`, `!(n < 1)`,
  /// `n != 0`, `n` make n at least 1.
  void learn(const Expr *Cond, bool Truth, State &S) const {
    const Expr *C = strip(Cond);
    if (!C)
      return;
    if (const auto *UO = dyn_cast<UnaryOperator>(C); UO && UO->getOpcode() == UO_LNot)
      return learn(UO->getSubExpr(), !Truth, S);
    const auto *BO = dyn_cast<BinaryOperator>(C);
    if (BO && ((BO->getOpcode() == BO_LAnd && Truth) || (BO->getOpcode() == BO_LOr && !Truth))) {
      learn(BO->getLHS(), Truth, S);
      learn(BO->getRHS(), Truth, S);
      return;
    }
    if (BO && BO->isComparisonOp()) {
      BinaryOperatorKind Op = BO->getOpcode();
      const Expr *L = BO->getLHS(), *R = BO->getRHS();
      std::optional<int64_t> K = constantArgument(Ctx, R);
      if (!K) {
        K = constantArgument(Ctx, L);
        std::swap(L, R);
        Op = BinaryOperator::reverseComparisonOp(Op);
      }
      if (!K)
        return;
      if (!Truth)
        Op = BinaryOperator::negateComparisonOp(Op);
      bool AtLeastOne = (Op == BO_GT && *K >= 0) || (Op == BO_GE && *K >= 1) ||
                        (Op == BO_EQ && *K >= 1) || (Op == BO_NE && *K == 0);
      if (AtLeastOne)
        mark(L, S);
      return;
    }
    // `if (n)`: an integer tested for being non-zero.
    if (Truth && isa<DeclRefExpr, MemberExpr>(C) && C->getType()->isIntegerType())
      mark(C, S);
    // `if (!valid(n)) return;`, `if (!cfg.valid())`: a test of its own,
    // which this does not read; whichever way it went, the code chose
    // what to do with the value, so it is not said to be unchecked.
    if (const auto *Call = dyn_cast<CallExpr>(C))
      validateArguments(Call, S);
  }

private:
  /// The objects \p Call is handed: its arguments and its object.
  void validateArguments(const CallExpr *Call, State &S) const {
    llvm::SmallVector<const Expr *, 4> Handed(ConcurrencyModel::explicitArgs(Call));
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
      Handed.push_back(MC->getImplicitObjectArgument());
    for (const Expr *A : Handed)
      if (const Expr *E = strip(A); E && isa<DeclRefExpr, MemberExpr>(E))
        if (ObjectPath P = objectOf(E))
          S.validate(P);
  }

  /// Whether \p FD's own body throws or calls a function that does not
  /// return: a `require_positive(n)` that rejects what it is handed. Not a
  /// library's: `std::clamp`'s assertion about its bounds, `std::stoi`'s
  /// exception for text that is no number, judge nothing the caller meant.
  bool rejects(const FunctionDecl *FD) const {
    const FunctionDecl *Def = nullptr;
    if (!FD || !FD->hasBody(Def) || Ctx.getSourceManager().isInSystemHeader(Def->getLocation()))
      return false;
    auto [It, New] = Rejects.try_emplace(Def, false);
    if (!New)
      return It->second;
    llvm::SmallVector<const Stmt *, 32> Work{Def->getBody()};
    while (!Work.empty()) {
      const Stmt *St = Work.pop_back_val();
      if (!St || isa<LambdaExpr>(St))
        continue;
      const auto *Call = dyn_cast<CallExpr>(St);
      const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
      if (isa<CXXThrowExpr>(St) || (Callee && Callee->isNoReturn()))
        return Rejects[Def] = true;
      llvm::append_range(Work, St->children());
    }
    return false;
  }

  void mark(const Expr *E, State &S) const {
    if (!isa<DeclRefExpr, MemberExpr>(strip(E)))
      return;
    if (ObjectPath P = objectOf(strip(E)))
      S.set(P, {true, {}});
  }

  static CountFacts either(const CountFacts &A, const CountFacts &B) {
    return {A.AtLeastOne && B.AtLeastOne, A.Origin ? A.Origin : B.Origin};
  }

  CountFacts lookup(const ObjectPath &P, const State &S) const {
    if (const CountFacts *F = S.find(P))
      return *F;
    if (S.validated(P))
      return {true, {}};
    // On entry a parameter (or a member of one) holds what a caller gave.
    if (P.rootKind() == ObjectPath::RootKind::Variable)
      if (const auto *Param = dyn_cast<ParmVarDecl>(P.root());
          Param && Param->getDeclContext() == Body)
        return {false, {CountOrigin::Kind::Parameter, nullptr, Param}};
    return {};
  }

  /// The writes in \p Root, innermost first: declarations, assignments,
  /// increments, and objects handed out to be written.
  void writes(const Stmt *Root, State &S) const {
    if (!Root || isa<LambdaExpr>(Root))
      return;
    for (const Stmt *C : Root->children())
      writes(C, S);
    auto Path = [](const Expr *E) {
      ObjectPath P = objectOf(E);
      return P && P.rootKind() == ObjectPath::RootKind::Variable ? P : ObjectPath();
    };
    if (const auto *DS = dyn_cast<DeclStmt>(Root)) {
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit() && !V->getType()->isReferenceType())
          S.set(ObjectPath::variable(V), eval(V->getInit(), S));
    } else if (const auto *BO = dyn_cast<BinaryOperator>(Root); BO && BO->isAssignmentOp()) {
      if (ObjectPath P = Path(BO->getLHS())) {
        CountFacts Old = lookup(P, S);
        S.set(P, BO->getOpcode() == BO_Assign ? eval(BO->getRHS(), S) : CountFacts{false, Old.Origin});
      }
    } else if (const auto *UO = dyn_cast<UnaryOperator>(Root)) {
      if (ObjectPath P = Path(UO->getSubExpr())) {
        CountFacts Old = lookup(P, S);
        if (UO->isDecrementOp())
          S.set(P, {false, Old.Origin});
        else if (UO->getOpcode() == UO_AddrOf)
          S.set(P, {});
      }
    } else if (const auto *Call = dyn_cast<CallExpr>(Root)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Call);
      if (rejects(FD))
        validateArguments(Call, S);
      for (unsigned K = 0; K < Args.size(); ++K) {
        if (!Args[K]->isGLValue())
          continue;
        // A parameter taken by non-const reference (or a call nothing
        // resolves) may write it: nothing is known of it afterwards.
        bool ReadOnly = false;
        if (FD && K < FD->getNumParams()) {
          QualType T = FD->getParamDecl(K)->getType();
          ReadOnly = !T->isReferenceType() || T.getNonReferenceType().isConstQualified();
        }
        if (!ReadOnly)
          if (ObjectPath P = Path(Args[K]))
            S.set(P, {});
      }
    }
  }

  ASTContext &Ctx;
  const FunctionDecl *Body;
  const CountInputs &Inputs;
  mutable llvm::DenseMap<const FunctionDecl *, bool> Rejects;
};

} // namespace

std::optional<CountFacts> countAt(ConcurrencyModel &Model, const FunctionDecl *Body,
                                  const Expr *E, const Stmt *At, const CountInputs &Inputs) {
  const BodyCFG &G = Model.flowGraphOf(Body);
  if (!G.graph() || !E)
    return std::nullopt;
  std::optional<CFGPosition> Pos;
  for (const Stmt *S = At; S && !(Pos = G.position(S)); S = Model.parentOf(S))
    ;
  if (!Pos)
    return std::nullopt;
  CountAnalysis A(Model.astContext(), Body, Inputs);
  DataflowResult<CountState> R = solveForward(*G.graph(), A);
  if (!R.Complete)
    return std::nullopt;
  std::optional<CountState> S = stateBefore(R, A, *Pos);
  if (!S)
    return std::nullopt;
  return A.eval(E, *S);
}

llvm::SmallVector<CountAtCall, 2> countAtCalls(ConcurrencyModel &Model, const ParmVarDecl *Param,
                                               const CountInputs &Inputs, bool &Incomplete) {
  llvm::SmallVector<CountAtCall, 2> Result;
  const auto *Fn = dyn_cast<FunctionDecl>(Param->getDeclContext());
  if (!Fn)
    return Result;
  const unsigned Index = Param->getFunctionScopeIndex();
  for (const ConcurrencyModel::FunctionUse &Use : Model.usesOf(Fn)) {
    // A use other than a call (`csp::go(pool, n)`, a function pointer)
    // passes arguments this unit does not show.
    if (!Use.Direct) {
      Incomplete = true;
      continue;
    }
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Use.Site);
    if (Index >= Args.size())
      continue;
    std::optional<CountFacts> F = countAt(Model, Use.Body, Args[Index], Use.Site, Inputs);
    if (!F) {
      Incomplete = true;
      continue;
    }
    Result.push_back({Use.Site, Use.Body, Args[Index], *F});
  }
  return Result;
}

namespace {

/// The variables and members \p S reads, outside lambdas.
void readsOf(const Stmt *S, llvm::SmallVectorImpl<const ValueDecl *> &Out) {
  llvm::SmallVector<const Stmt *, 16> Work{S};
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (!St || isa<LambdaExpr>(St))
      continue;
    const ValueDecl *D = nullptr;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(St))
      D = dyn_cast<VarDecl>(Ref->getDecl());
    else if (const auto *ME = dyn_cast<MemberExpr>(St))
      D = dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (D && !llvm::is_contained(Out, D))
      Out.push_back(D);
    llvm::append_range(Work, St->children());
  }
}

} // namespace

llvm::SmallVector<const ValueDecl *, 4> guardsOf(ConcurrencyModel &Model, const FunctionDecl *Body,
                                                 const Stmt *Site) {
  llvm::SmallVector<const ValueDecl *, 4> Out;
  const Stmt *Root = Body->getBody();
  for (const Stmt *C = Site, *P = Model.parentOf(Site); P && C != Root && !isa<LambdaExpr>(P);
       C = P, P = Model.parentOf(P)) {
    if (const auto *If = dyn_cast<IfStmt>(P); If && C != If->getCond())
      readsOf(If->getCond(), Out);
    else if (const auto *CO = dyn_cast<AbstractConditionalOperator>(P); CO && C != CO->getCond())
      readsOf(CO->getCond(), Out);
    else if (const auto *BO = dyn_cast<BinaryOperator>(P); BO && BO->isLogicalOp() && C == BO->getRHS())
      readsOf(BO->getLHS(), Out);
    else if (const auto *For = dyn_cast<ForStmt>(P); For && C == For->getBody())
      readsOf(For->getCond(), Out);
    else if (const auto *While = dyn_cast<WhileStmt>(P); While && C == While->getBody())
      readsOf(While->getCond(), Out);
    else if (const auto *Range = dyn_cast<CXXForRangeStmt>(P); Range && C == Range->getBody())
      readsOf(Range->getRangeInit(), Out);
  }
  return Out;
}

llvm::SmallVector<const ValueDecl *, 4> decidedBy(ConcurrencyModel &Model, const FunctionDecl *Body,
                                                  const Expr *Count, const CountOrigin &Origin) {
  llvm::SmallVector<const ValueDecl *, 4> Out;
  auto Add = [&](llvm::ArrayRef<const ValueDecl *> Ds) {
    for (const ValueDecl *D : Ds)
      if (!llvm::is_contained(Out, D))
        Out.push_back(D);
  };
  if (Origin.Source)
    Add(guardsOf(Model, Body, Origin.Source));
  const auto *Ref = dyn_cast<DeclRefExpr>(strip(Count));
  const auto *V = Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
  if (!V)
    return Out;
  Add(V);
  llvm::SmallVector<const Stmt *, 32> Work{Body->getBody()};
  while (!Work.empty()) {
    const Stmt *St = Work.pop_back_val();
    if (!St || isa<LambdaExpr>(St))
      continue;
    llvm::append_range(Work, St->children());
    const auto *BO = dyn_cast<BinaryOperator>(St);
    const auto *LHS = BO && BO->isAssignmentOp() ? dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()) : nullptr;
    if (LHS && LHS->getDecl() == V)
      Add(guardsOf(Model, Body, BO));
  }
  return Out;
}

namespace {

const VarDecl *varOf(const Expr *E) {
  const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
}

bool writesVar(const Stmt *S, const VarDecl *V) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (const auto *UO = dyn_cast<UnaryOperator>(S);
      UO && (UO->isIncrementDecrementOp() || UO->getOpcode() == UO_AddrOf) &&
      varOf(UO->getSubExpr()) == V)
    return true;
  if (const auto *BO = dyn_cast<BinaryOperator>(S);
      BO && BO->isAssignmentOp() && varOf(BO->getLHS()) == V)
    return true;
  for (const Stmt *C : S->children())
    if (writesVar(C, V))
      return true;
  return false;
}

} // namespace

const Expr *loopCountExpr(const Stmt *Loop) {
  const auto *For = dyn_cast_or_null<ForStmt>(Loop);
  if (!For)
    return nullptr;
  const auto *DS = dyn_cast_or_null<DeclStmt>(For->getInit());
  const auto *I = DS && DS->isSingleDecl() ? dyn_cast<VarDecl>(DS->getSingleDecl()) : nullptr;
  if (!I || !I->getType()->isIntegerType() || !I->getInit())
    return nullptr;
  const auto *Start = dyn_cast<IntegerLiteral>(I->getInit()->IgnoreParenImpCasts());
  const auto *Cond = dyn_cast_or_null<BinaryOperator>(
      For->getCond() ? For->getCond()->IgnoreParenImpCasts() : nullptr);
  if (!Start || !Cond)
    return nullptr;
  const uint64_t From = Start->getValue().getZExtValue();
  const Expr *Bound = nullptr;
  BinaryOperatorKind Op = Cond->getOpcode();
  if (varOf(Cond->getLHS()) == I) {
    Bound = Cond->getRHS();
  } else if (varOf(Cond->getRHS()) == I) {
    Bound = Cond->getLHS();
    Op = BinaryOperator::reverseComparisonOp(Op);
  }
  if (!Bound || !((From == 0 && (Op == BO_LT || Op == BO_NE)) || (From == 1 && Op == BO_LE)))
    return nullptr;
  const auto *Inc = dyn_cast_or_null<UnaryOperator>(
      For->getInc() ? For->getInc()->IgnoreParenImpCasts() : nullptr);
  if (!Inc || !Inc->isIncrementOp() || varOf(Inc->getSubExpr()) != I ||
      writesVar(For->getBody(), I))
    return nullptr;
  return Bound->IgnoreParenImpCasts();
}

} // namespace clang::tidy::csp
