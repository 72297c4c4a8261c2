#include "analysis/ConcurrencyModel.h"

#include "analysis/BodyFlow.h"
#include "analysis/ChannelState.h"
#include "analysis/Locks.h"
#include "analysis/Tasks.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/SmallPtrSet.h"


namespace clang::tidy::csp {

namespace {

bool inSystemHeader(const ASTContext &Ctx, SourceLocation Loc) {
  return Loc.isValid() && Ctx.getSourceManager().isInSystemHeader(Loc);
}

/// Peels what the language wraps around a value that is passed on:
/// temporaries, conversions, and the construction of a std::function or a
/// copy from it.
const Expr *peel(const Expr *E) {
  while (E) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = Cast->getSubExpr();
      continue;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E);
        Construct && Construct->getNumArgs() == 1 &&
        !isa<CXXTemporaryObjectExpr>(Construct)) {
      E = Construct->getArg(0);
      continue;
    }
    return E;
  }
  return nullptr;
}

const CXXMethodDecl *callOperatorOf(QualType T) {
  const auto *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->hasDefinition())
    return nullptr;
  if (RD->isLambda())
    return RD->getLambdaCallOperator();
  for (const CXXMethodDecl *MD : RD->methods())
    if (MD->getOverloadedOperator() == OO_Call)
      return MD;
  return nullptr;
}

Callable resolveCallableImpl(const Expr *E, bool AtSpawn, unsigned Depth) {
  E = peel(E);
  // In a template's pattern a dependent initializer (`std::thread t(f)` with
  // `Fn &&f`) is a ParenListExpr with no type: the instantiation is where
  // the callable is known.
  if (!E || Depth > 4 || E->getType().isNull() || E->isTypeDependent())
    return {};
  if (const auto *L = dyn_cast<LambdaExpr>(E))
    return {L->getCallOperator(), L, AtSpawn};
  if (const auto *UO = dyn_cast<UnaryOperator>(E);
      UO && UO->getOpcode() == UO_AddrOf)
    return resolveCallableImpl(UO->getSubExpr(), AtSpawn, Depth + 1);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl()))
      return {FD->getDefinition() ? FD->getDefinition() : FD};
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
        VD && VD->getInit() && !isa<ParmVarDecl>(VD))
      return resolveCallableImpl(VD->getInit(), /*AtSpawn=*/false, Depth + 1);
  }
  if (const CXXMethodDecl *Call = callOperatorOf(E->getType())) {
    const FunctionDecl *Def = Call->getDefinition();
    return {Def ? Def : Call};
  }
  return {};
}

/// The element type constructed by `v.emplace_back(args...)`, if \p Call is
/// such a call on a standard-like container.
const CXXRecordDecl *emplacedRecord(const CXXMemberCallExpr *Call) {
  const CXXMethodDecl *MD = Call->getMethodDecl();
  if (!MD || !MD->getIdentifier() ||
      !llvm::is_contained({"emplace_back", "emplace_front", "emplace"},
                          MD->getName()))
    return nullptr;
  const auto *Spec =
      dyn_cast<ClassTemplateSpecializationDecl>(MD->getParent());
  if (!Spec || Spec->getTemplateArgs().size() == 0 ||
      Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
    return nullptr;
  return Spec->getTemplateArgs()[0].getAsType()->getAsCXXRecordDecl();
}

/// The definition of \p FD that the analysis may look into.
const FunctionDecl *analysableDefinition(const ASTContext &Ctx,
                                         const FunctionDecl *FD) {
  const FunctionDecl *Def = FD ? FD->getDefinition() : nullptr;
  if (!Def || !Def->hasBody() || inSystemHeader(Ctx, Def->getLocation()))
    return nullptr;
  return Def;
}

} // namespace

/// Walks the translation unit once: bodies, spawns, operations, and which
/// declarations denote the same channel.
class TUCollector : public RecursiveASTVisitor<TUCollector> {
public:
  explicit TUCollector(ConcurrencyModel &M) : M(M), Ctx(M.Ctx) {}

  void run() {
    TraverseAST(Ctx);
    for (const SpawnSite &S : M.Spawns) {
      M.SpawnAt[S.Site] = &S;
      if (S.Task.Lambda)
        M.TaskLambdas.insert(S.Task.Lambda);
    }
    for (auto [Decl, Site] : MadeAt) {
      ChannelInfo &Info = M.Channels[M.find(Decl)];
      Info.MadeAt = Site;
      Info.MadeAs = Decl;
    }
    for (auto [D, ByReturn] : Escaped) {
      ChannelInfo &Info = M.Channels[M.find(D)];
      Info.OnlyReturned = (!Info.Escapes || Info.OnlyReturned) && ByReturn;
      Info.Escapes = true;
    }
    for (const PlacedOp &P : M.Operations)
      if (isChannel(P.Operation.Object))
        M.Channels[M.find(P.Operation.Object)].Ops.push_back(&P);
  }

  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) &&
        inSystemHeader(Ctx, D->getLocation()))
      return true;
    const auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    if (!FD || !FD->doesThisDeclarationHaveABody())
      return RecursiveASTVisitor::TraverseDecl(D);
    M.Bodies.push_back(FD);
    Body.push_back(FD);
    bool Result = RecursiveASTVisitor::TraverseDecl(D);
    Body.pop_back();
    return Result;
  }

  bool TraverseLambdaExpr(LambdaExpr *L) {
    M.Bodies.push_back(L->getCallOperator());
    Body.push_back(L->getCallOperator());
    bool Result = RecursiveASTVisitor::TraverseLambdaExpr(L);
    Body.pop_back();
    return Result;
  }

  // A class template's members are analysed as instantiated, where calls
  // resolve and lambdas have types; the pattern is walked too, for
  // templates nothing instantiates. Function templates are not, yet: a
  // generic wrapper that runs the callable it is given as a task is
  // reported once per callable, and whether that callable throws often
  // hangs on an argument the analysis does not evaluate (Boost.Fiber's
  // wait_stuff.cpp: `sleeper(item, ms, thrw = false)`).
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseFunctionTemplateDecl(FunctionTemplateDecl *D) {
    return TraverseDecl(D->getTemplatedDecl());
  }

  // Nothing the analysis needs is spelled in a type: skipping them is most
  // of the difference between this walk and a full one.
  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool TraverseNestedNameSpecifierLoc(NestedNameSpecifierLoc) { return true; }

  bool dataTraverseStmtPre(Stmt *S) {
    M.Parents.try_emplace(S, Enclosing.empty() ? nullptr : Enclosing.back());
    Enclosing.push_back(S);
    return true;
  }
  bool dataTraverseStmtPost(Stmt *) {
    Enclosing.pop_back();
    return true;
  }

  bool VisitDeclStmt(DeclStmt *DS) {
    for (const Decl *D : DS->decls())
      if (const auto *V = dyn_cast<ValueDecl>(D))
        M.Declarations.try_emplace(V, DS);
    return true;
  }

  bool TraverseConstructorInitializer(CXXCtorInitializer *Init) {
    if (Init->getMember())
      initialize(Init->getMember(), Init->getInit());
    return RecursiveASTVisitor::TraverseConstructorInitializer(Init);
  }

  bool VisitVarDecl(VarDecl *V) {
    if (V->getInit() && !isa<ParmVarDecl>(V))
      initialize(V, V->getInit());
    return true;
  }

  // A default member initializer makes the member's channel for every
  // constructor that does not initialize it itself.
  bool VisitFieldDecl(FieldDecl *F) {
    if (F->hasInClassInitializer())
      initialize(F, F->getInClassInitializer());
    return true;
  }

  bool VisitInitListExpr(InitListExpr *IL) {
    ConcurrencyModel::forEachFieldInit(
        IL, [&](const FieldDecl *F, const Expr *Init) { initialize(F, Init); });
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      if (const ValueDecl *D = ConcurrencyModel::rootObject(BO->getLHS()))
        initialize(D, BO->getRHS());
    return true;
  }

  bool VisitReturnStmt(ReturnStmt *R) {
    if (R->getRetValue())
      escape(R->getRetValue(), /*ByReturn=*/true);
    return true;
  }

  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    record(S);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    record(CE);
    const FunctionDecl *Callee = CE->getDirectCallee();
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(CE);
    Role R = M.Roles.roleOf(Callee);
    if (isSpawn(R)) {
      addSpawn(CE, Args, R);
      return true;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      if (Role Emplaced = M.Roles.spawnRoleOfType(emplacedRecord(MC)); isSpawn(Emplaced)) {
        addSpawn(CE, Args, Emplaced);
        return true;
      }
    }
    if (R != Role::None || isTransparentStdFunction(Callee))
      return true;
    // Copying one channel handle into another.
    if (const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Callee);
        MD && (MD->isCopyAssignmentOperator() || MD->isMoveAssignmentOperator())) {
      if (const ValueDecl *D = ConcurrencyModel::rootObject(CE->getArg(0)))
        initialize(D, CE->getArg(1));
      return true;
    }
    passArguments(Callee, Args);
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    // Moving a thread handle (`return t;`) starts nothing.
    if (Role R = M.Roles.roleOf(Ctor); isSpawn(R) && !Ctor->isCopyOrMoveConstructor()) {
      addSpawn(CE, Args, R);
      return true;
    }
    // Copying a channel is not handing it over.
    if (isChannelType(CE->getType()))
      return true;
    passArguments(Ctor, Args);
    return true;
  }

private:
  bool isChannelType(QualType T) const {
    return M.Roles.roleOf(T) == TypeRole::Channel;
  }
  bool isChannel(const ValueDecl *D) const {
    return D && isChannelType(D->getType());
  }
  /// Whether \p T (or what it refers to) is the class named \p Name.
  static bool isClass(QualType T, llvm::StringRef Name) {
    const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
    return RD && qualifiedNameForRoles(RD) == Name;
  }
  /// A channel type that can be neither copied nor moved: its objects are
  /// channels, not handles to one (Boost.Fiber's channels). A move-only
  /// handle moves the channel it names and is not one. Implicit members
  /// are asked about without declaring them, so that the answer does not
  /// depend on what else the translation unit happened to use.
  bool isChannelObject(QualType T) const {
    const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
    if (!RD || !RD->hasDefinition() || !isChannelType(T))
      return false;
    auto Declared = [&](bool Copy) -> std::optional<bool> {
      for (const CXXConstructorDecl *C : RD->ctors())
        if (Copy ? C->isCopyConstructor() : C->isMoveConstructor())
          return !C->isDeleted();
      return std::nullopt;
    };
    std::optional<bool> Copyable = Declared(/*Copy=*/true);
    if (!Copyable)
      Copyable = RD->needsImplicitCopyConstructor() && !RD->defaultedCopyConstructorIsDeleted();
    std::optional<bool> Movable = Declared(/*Copy=*/false);
    if (!Movable)
      Movable = RD->needsImplicitMoveConstructor() && !RD->defaultedMoveConstructorIsDeleted();
    return !*Copyable && !*Movable;
  }

  void record(const Stmt *S) {
    if (Body.empty())
      return;
    if (std::optional<Op> O = M.classify(S))
      M.Operations.push_back({*O, Body.back()});
  }

  /// \p D takes the value of \p Init: a new channel, or another name for one.
  void initialize(const ValueDecl *D, const Expr *Init) {
    if (!isChannel(D) || !Init)
      return;
    const auto *Call = dyn_cast<CallExpr>(Init->IgnoreImplicit()->IgnoreParens());
    if (Call && M.Roles.roleOf(Call->getDirectCallee()) == Role::MakeChannel) {
      MadeAt.emplace_back(D, Call);
      return;
    }
    // A constructor can make a channel: one named in MakeChannelFunctions
    // (a copy is not a new channel), or any of a channel type that can be
    // neither copied nor moved.
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Init->IgnoreImplicit());
        Construct && isa<VarDecl>(D) && !D->getType()->isReferenceType()) {
      const CXXConstructorDecl *Ctor = Construct->getConstructor();
      // A constructor that wraps a channel it is given makes no new one.
      bool FromChannel = llvm::any_of(Construct->arguments(), [&](const Expr *Arg) {
        return isChannelType(Arg->getType());
      });
      if ((M.Roles.roleOf(Ctor) == Role::MakeChannel && !Ctor->isCopyOrMoveConstructor() &&
           !FromChannel) ||
          isChannelObject(D->getType())) {
        MadeAt.emplace_back(D, Init);
        return;
      }
    }
    if (const ValueDecl *From = ConcurrencyModel::rootObject(Init))
      M.unite(D, From);
  }

  void escape(const Expr *E, bool ByReturn = false) {
    if (isChannelType(E->getType()))
      if (const ValueDecl *D = ConcurrencyModel::rootObject(E))
        Escaped.push_back({D, ByReturn});
  }

  /// A channel passed to a function that is analysed becomes its
  /// parameter; passed to one that is not, it escapes.
  void passArguments(const FunctionDecl *Callee,
                     llvm::ArrayRef<const Expr *> Args) {
    const FunctionDecl *Def = analysableDefinition(Ctx, Callee);
    for (unsigned I = 0; I < Args.size(); ++I) {
      if (!isChannelType(Args[I]->getType()))
        continue;
      if (Def && I < Def->getNumParams())
        bind(Def->getParamDecl(I), Args[I]);
      else
        escape(Args[I]);
    }
  }

  void bind(const ParmVarDecl *P, const Expr *Arg) {
    if (!isChannel(P))
      return;
    if (const ValueDecl *D = ConcurrencyModel::rootObject(Arg))
      M.unite(P, D);
  }

  /// The task is the first argument that resolves to a callable (std::async
  /// takes a launch policy first); the rest are bound to its parameters.
  void addSpawn(const Expr *Site, llvm::ArrayRef<const Expr *> Args, Role Kind) {
    for (unsigned I = 0; I < Args.size(); ++I) {
      Callable Task = ConcurrencyModel::resolveCallable(Args[I]);
      if (!Task.Fn)
        continue;
      llvm::ArrayRef<const Expr *> Rest = Args.drop_front(I + 1);
      // `std::thread(&Pool::work, this)`: the object comes first.
      const auto *MD = dyn_cast<CXXMethodDecl>(Task.Fn);
      if (MD && !Task.Lambda && MD->isInstance() &&
          MD->getOverloadedOperator() != OO_Call && !Rest.empty())
        Rest = Rest.drop_front();
      SpawnSite S;
      S.Site = Site;
      S.Spawner = Body.empty() ? nullptr : Body.back();
      S.Task = Task;
      // std::jthread passes its stop token first to a callable that takes
      // one, before the arguments it was given; a generic lambda's `auto`
      // parameter takes it as well.
      if (Task.Fn->getNumParams() == Rest.size() + 1) {
        QualType First = Task.Fn->getParamDecl(0)->getType();
        if (isClass(First, "std::stop_token") ||
            (First->isDependentType() && isClass(Site->getType(), "std::jthread")))
          S.BoundArgs.push_back(nullptr);
      }
      S.BoundArgs.append(Rest.begin(), Rest.end());
      S.Cooperative = Kind == Role::SpawnCooperative;
      for (unsigned P = 0; P < S.BoundArgs.size() && P < Task.Fn->getNumParams(); ++P)
        if (S.BoundArgs[P])
          bind(Task.Fn->getParamDecl(P), S.BoundArgs[P]);
      M.Spawns.push_back(std::move(S));
      return;
    }
    for (const Expr *Arg : Args)
      escape(Arg);
  }

  ConcurrencyModel &M;
  ASTContext &Ctx;
  llvm::SmallVector<const FunctionDecl *, 8> Body;
  llvm::SmallVector<const Stmt *, 32> Enclosing;
  std::vector<std::pair<const ValueDecl *, const Expr *>> MadeAt;
  std::vector<std::pair<const ValueDecl *, bool>> Escaped;
};

namespace {

/// \p E without the conversions and copies around a value passed on (to
/// std::function, a temporary).
const Expr *peelConversions(const Expr *E) {
  for (;;) {
    E = E->IgnoreImplicit()->IgnoreParens();
    const auto *Construct = dyn_cast<CXXConstructExpr>(E);
    if (!Construct || Construct->getNumArgs() != 1)
      return E;
    E = Construct->getArg(0);
  }
}

/// Walks one body and records what it does by itself.
class FactsWalker : public RecursiveASTVisitor<FactsWalker> {
public:
  FactsWalker(ConcurrencyModel &Model, const FunctionDecl *Fn,
              const llvm::DenseMap<const Stmt *, const SpawnSite *> &SpawnAt,
              const llvm::DenseSet<const LambdaExpr *> &TaskLambdas,
              BodyFacts &Out)
      : Model(Model), Fn(Fn), SpawnAt(SpawnAt), TaskLambdas(TaskLambdas),
        Out(Out) {}

  // Lambdas run by tasks are other bodies, and so may be a lambda handed
  // to a spawn the model has no site for (in a function template's
  // instantiation, which the model does not walk) or to a call nothing
  // resolves (a dependent `csp::go(...)` as written, a call through a
  // pointer): it may run elsewhere. Every other lambda (a scope guard, a
  // callback, an immediately invoked one) is taken to run here.
  bool TraverseLambdaExpr(LambdaExpr *L) {
    if (TaskLambdas.contains(L) || HandedOff.contains(L))
      return true;
    return RecursiveASTVisitor::TraverseLambdaExpr(L);
  }

  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool TraverseNestedNameSpecifierLoc(NestedNameSpecifierLoc) { return true; }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    noteSpawn(CE);
    return true;
  }

  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    if (std::optional<Op> O = Model.classify(S))
      Out.Ops.push_back(*O);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    noteSpawn(CE);
    // Visited before its arguments are traversed.
    const FunctionDecl *Direct = CE->getDirectCallee();
    if (!Direct || isSpawn(Model.roles().roleOf(Direct)))
      for (const Expr *Arg : CE->arguments())
        if (const auto *L = dyn_cast<LambdaExpr>(peelConversions(Arg)))
          HandedOff.insert(L);
    if (std::optional<Op> O = Model.classify(CE)) {
      Out.Ops.push_back(*O);
      return true;
    }
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (Callee && Callee != Fn &&
        Model.roles().roleOf(Callee) == Role::None)
      summarize(CE, Callee);
    return true;
  }

private:
  void noteSpawn(const Stmt *S) {
    if (const SpawnSite *Spawn = SpawnAt.lookup(S))
      Out.Spawns.push_back(Spawn);
  }

  /// Applies what \p Callee does to its parameters, its object, fields and
  /// globals at the call, once per object and role: a helper that reaches
  /// the same object on many paths (or calls the next helper twice) adds
  /// one operation here, so summaries stay linear in the call depth.
  void summarize(const CallExpr *CE, const FunctionDecl *Callee) {
    const FunctionDecl *Def = analysableDefinition(Model.astContext(), Callee);
    if (!Def)
      return;
    Binding B = callBinding(CE);
    B.Fn = Def;
    llvm::DenseSet<std::tuple<unsigned, ObjectPath, const ValueDecl *, const FunctionDecl *>>
        Added;
    for (const Op &Inner : Model.factsOf(Def).Ops) {
      Op Outer{Inner.Kind, CE, nullptr, {}, Inner.Via ? Inner.Via : Def};
      if (std::optional<Translated> T = translate(Inner.Path, B)) {
        Outer.Path = std::move(T->Path);
        Outer.Object = Outer.Path.decl();
      } else if (isa_and_nonnull<FieldDecl>(Inner.Object)) {
        // A member of an object the caller has no name for: the field is
        // all that is known.
        Outer.Object = Inner.Object;
      }
      if (!Outer.Object)
        continue;
      if (!Added.insert({static_cast<unsigned>(Outer.Kind), Outer.Path, Outer.Object, Outer.Via})
               .second)
        continue;
      Out.Ops.push_back(std::move(Outer));
    }
  }

  ConcurrencyModel &Model;
  const FunctionDecl *Fn;
  const llvm::DenseMap<const Stmt *, const SpawnSite *> &SpawnAt;
  const llvm::DenseSet<const LambdaExpr *> &TaskLambdas;
  llvm::DenseSet<const LambdaExpr *> HandedOff;
  BodyFacts &Out;
};

} // namespace

ConcurrencyModel::ConcurrencyModel(ASTContext &Ctx, ApiRoles Roles)
    : Ctx(Ctx), Roles(std::move(Roles)) {
  TUCollector(*this).run();
}

ConcurrencyModel::~ConcurrencyModel() = default;

llvm::SmallVector<ConcurrencyModel::FunctionUse, 4>
ConcurrencyModel::usesOf(const FunctionDecl *Fn) const {
  llvm::SmallVector<FunctionUse, 4> Result;
  const FunctionDecl *Target = Fn->getCanonicalDecl();
  auto IsTarget = [&](const Decl *D) {
    const auto *FD = dyn_cast_or_null<FunctionDecl>(D);
    return FD && FD->getCanonicalDecl() == Target;
  };
  for (const FunctionDecl *Body : Bodies) {
    // The name a direct call is written with is part of that call.
    llvm::SmallPtrSet<const Stmt *, 4> CalleeNames;
    // Each lambda is a body of its own.
    llvm::SmallVector<const Stmt *, 32> Work{Body->getBody()};
    while (!Work.empty()) {
      const Stmt *S = Work.pop_back_val();
      if (!S || isa<LambdaExpr>(S))
        continue;
      llvm::append_range(Work, S->children());
      if (const auto *Call = dyn_cast<CallExpr>(S); Call && IsTarget(Call->getDirectCallee())) {
        Result.push_back({S, Body, true});
        CalleeNames.insert(Call->getCallee()->IgnoreParenImpCasts());
      } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S);
                 Construct && IsTarget(Construct->getConstructor())) {
        Result.push_back({S, Body, true});
      } else if (const auto *Ref = dyn_cast<DeclRefExpr>(S);
                 Ref && IsTarget(Ref->getDecl()) && !CalleeNames.contains(Ref)) {
        Result.push_back({S, Body, false});
      }
    }
  }
  return Result;
}

bool ConcurrencyModel::resultIgnored(const Expr *E) const {
  const Stmt *Child = E;
  const Stmt *P = parentOf(E);
  while (isa_and_nonnull<FullExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                         ImplicitCastExpr, ParenExpr>(P)) {
    Child = P;
    P = parentOf(P);
  }
  if (!P)
    return false;
  if (const auto *Cast = dyn_cast<ExplicitCastExpr>(P))
    return Cast->getType()->isVoidType();
  if (const auto *BO = dyn_cast<BinaryOperator>(P))
    return BO->getOpcode() == BO_Comma && BO->getLHS() == Child;
  if (isa<CompoundStmt, SwitchCase, LabelStmt>(P))
    return true;
  // The branch or body of a control statement, not its condition.
  if (const auto *If = dyn_cast<IfStmt>(P))
    return If->getCond() != Child;
  if (const auto *While = dyn_cast<WhileStmt>(P))
    return While->getCond() != Child;
  if (const auto *Do = dyn_cast<DoStmt>(P))
    return Do->getCond() != Child;
  if (const auto *For = dyn_cast<ForStmt>(P))
    return For->getCond() != Child;
  return false;
}

std::optional<Op> ConcurrencyModel::classify(const Stmt *S) const {
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(S)) {
    const Expr *Init = Range->getRangeInit();
    if (Init && Roles.roleOf(Init->getType()) == TypeRole::Channel)
      if (const ValueDecl *D = rootObject(Init))
        return Op{Role::ChannelRange, S, D, objectOf(Init), nullptr};
    return std::nullopt;
  }
  const auto *CE = dyn_cast<CallExpr>(S);
  if (!CE)
    return std::nullopt;
  const Expr *Object = roleObject(CE);
  Role R = isa<CXXMemberCallExpr>(CE)
               ? Roles.roleOf(CE->getDirectCallee(), Object->getType())
               : Roles.roleOf(CE->getDirectCallee());
  switch (R) {
  case Role::None:
  case Role::Spawn:
  case Role::SpawnCooperative:
  case Role::MakeChannel:
  case Role::ChannelRange:
    return std::nullopt;
  case Role::ChannelReceiveWithStatus:
    if (resultIgnored(CE))
      R = Role::ChannelReceive;
    break;
  case Role::ChannelReceiveThrowing:
    R = Role::ChannelReceiveWithStatus;
    break;
  case Role::SelectReceiveCase: {
    // The handler's parameters say what the case does with the value: only
    // (T) uses it without knowing whether the channel was closed.
    if (CE->getNumArgs() < 2)
      return std::nullopt;
    Callable Handler = resolveCallable(CE->getArg(1));
    R = Handler.Fn && Handler.Fn->getNumParams() == 1
            ? Role::ChannelReceive
            : Role::ChannelReceiveWithStatus;
    break;
  }
  case Role::SelectSendCase:
    R = Role::ChannelSend;
    break;
  default:
    break;
  }
  ObjectPath Path = objectOf(Object);
  if (const ValueDecl *D = Path.decl())
    return Op{R, S, D, std::move(Path), nullptr};
  return std::nullopt;
}

const BodyFacts &ConcurrencyModel::factsOf(const FunctionDecl *Fn) {
  static const BodyFacts Empty;
  auto It = Facts.find(Fn);
  if (It != Facts.end())
    return It->second ? *It->second : Empty;
  // A null entry marks a body being computed: recursion sees no effects.
  Facts[Fn] = nullptr;
  auto Computed = std::make_unique<BodyFacts>();
  if (Fn->hasBody())
    FactsWalker(*this, Fn, SpawnAt, TaskLambdas, *Computed)
        .TraverseStmt(const_cast<Stmt *>(Fn->getBody()));
  auto &Slot = Facts[Fn];
  Slot = std::move(Computed);
  return *Slot;
}

const ValueDecl *ConcurrencyModel::find(const ValueDecl *D) const {
  const ValueDecl *Root = D;
  for (auto It = Parent.find(Root); It != Parent.end() && It->second != Root;
       It = Parent.find(Root))
    Root = It->second;
  // Path compression keeps later lookups short.
  while (D != Root) {
    auto It = Parent.find(D);
    if (It == Parent.end())
      break;
    const ValueDecl *Next = It->second;
    It->second = Root;
    D = Next;
  }
  return Root;
}

void ConcurrencyModel::unite(const ValueDecl *A, const ValueDecl *B) {
  const ValueDecl *RA = find(A), *RB = find(B);
  if (RA != RB)
    Parent[RA] = RB;
}

const ChannelInfo *ConcurrencyModel::channel(const ValueDecl *D) const {
  static const ChannelInfo Unknown;
  if (!D || Roles.roleOf(D->getType()) != TypeRole::Channel)
    return nullptr;
  auto It = Channels.find(find(D));
  return It == Channels.end() ? &Unknown : &It->second;
}

bool ConcurrencyModel::sameChannel(const ValueDecl *A,
                                   const ValueDecl *B) const {
  return A && B && find(A) == find(B);
}

const BodyCFG &ConcurrencyModel::flowGraphOf(const FunctionDecl *Fn) {
  std::unique_ptr<BodyCFG> &Flow = FlowGraphs[Fn];
  if (!Flow) {
    std::unique_ptr<CFG> &Graph = CFGs[Fn];
    // With the destructors of locals: an RAII lock releases its mutex, a
    // std::jthread joins, where its scope ends on each path.
    CFG::BuildOptions Options;
    Options.AddImplicitDtors = true;
    if (cfgBuildable(Fn))
      Graph = CFG::buildCFG(Fn, const_cast<Stmt *>(Fn->getBody()), &Ctx, Options);
    Flow = std::make_unique<BodyCFG>(Graph.get());
  }
  return *Flow;
}

const CFG *ConcurrencyModel::cfgOf(const FunctionDecl *Fn) {
  return flowGraphOf(Fn).graph();
}

bool ConcurrencyModel::canReach(const FunctionDecl *Fn, const Stmt *From,
                                const Stmt *To) {
  // Most statements are in no loop: spare building the CFG to learn that.
  if (From == To && !enclosingLoop(From, Fn))
    return false;
  return flowGraphOf(Fn).reaches(From, To);
}

bool ConcurrencyModel::isWithin(const Stmt *Inner, const Stmt *Outer) const {
  for (const Stmt *P = Inner; P; P = parentOf(P))
    if (P == Outer)
      return true;
  return false;
}

const Stmt *ConcurrencyModel::enclosingLoop(const Stmt *S,
                                            const FunctionDecl *Body) const {
  for (const Stmt *P = parentOf(S); P && P != Body->getBody(); P = parentOf(P)) {
    if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P))
      return P;
    if (isa<LambdaExpr>(P))
      return nullptr;
  }
  return nullptr;
}

TaskLifetimes &ConcurrencyModel::tasks() const {
  if (!Tasks)
    Tasks = std::make_unique<TaskLifetimes>(const_cast<ConcurrencyModel &>(*this));
  return *Tasks;
}

const ChannelStates &ConcurrencyModel::channelStates(const FunctionDecl *Body) {
  std::unique_ptr<ChannelStates> &Slot = States[Body];
  if (!Slot)
    Slot = std::make_unique<ChannelStates>(*this, Body);
  return *Slot;
}

LockAnalysis &ConcurrencyModel::locks() const {
  if (!Locks)
    Locks = std::make_unique<LockAnalysis>(const_cast<ConcurrencyModel &>(*this));
  return *Locks;
}

llvm::ArrayRef<const Expr *>
ConcurrencyModel::explicitArgs(const Stmt *CallOrConstruct) {
  if (const auto *Construct = dyn_cast<CXXConstructExpr>(CallOrConstruct))
    return {Construct->getArgs(), Construct->getNumArgs()};
  const auto *CE = dyn_cast<CallExpr>(CallOrConstruct);
  if (!CE)
    return {};
  llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
  if (isa<CXXOperatorCallExpr>(CE) &&
      isa_and_nonnull<CXXMethodDecl>(CE->getDirectCallee()) && !Args.empty())
    return Args.drop_front();
  return Args;
}

const Expr *ConcurrencyModel::taskObjectArgument(const SpawnSite &S) {
  const auto *MD = dyn_cast_or_null<CXXMethodDecl>(S.Task.Fn);
  if (S.Task.Lambda || !MD || MD->isStatic() ||
      MD->getOverloadedOperator() == OO_Call)
    return nullptr;
  llvm::ArrayRef<const Expr *> Args = explicitArgs(S.Site);
  for (unsigned I = 0; I + 1 < Args.size(); ++I)
    if (resolveCallable(Args[I]).Fn == S.Task.Fn)
      return Args[I + 1];
  return nullptr;
}

Callable ConcurrencyModel::resolveCallable(const Expr *E) {
  return resolveCallableImpl(E, /*AtSpawn=*/true, 0);
}

void ConcurrencyModel::forEachFieldInit(
    const InitListExpr *IL, llvm::function_ref<void(const FieldDecl *, const Expr *)> Visit) {
  const InitListExpr *Semantic = IL->isSemanticForm() ? IL : IL->getSemanticForm();
  const auto *RD = IL->getType()->getAsRecordDecl();
  if (!Semantic || !RD)
    return;
  unsigned I = 0;
  for (const FieldDecl *F : RD->fields()) {
    if (I >= Semantic->getNumInits())
      break;
    Visit(F, Semantic->getInit(I++));
  }
}

bool ConcurrencyModel::cfgBuildable(const FunctionDecl *Fn) {
  // Clang's CFG builder assumes a valid body: one the parser gave up on (a
  // destructor of a class whose declaration has errors) crashes it.
  return Fn->hasBody() && !Fn->isInvalidDecl() &&
         !cast<Decl>(Fn->getDeclContext())->isInvalidDecl();
}

bool ConcurrencyModel::declaredWithin(const ValueDecl *D,
                                      const FunctionDecl *Fn) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (DC == Fn)
      return true;
  return false;
}

bool ConcurrencyModel::sharedWithSpawner(const ValueDecl *D,
                                         const Callable &Task,
                                         bool ThroughPointers) {
  QualType T = D->getType();
  bool Indirect = ThroughPointers && (T->isPointerType() || T->isReferenceType());
  if (const auto *V = dyn_cast<VarDecl>(D)) {
    if (V->getTLSKind() != VarDecl::TLS_None)
      return false;
    if (isa<ParmVarDecl>(V) && V->getDeclContext() == Task.Fn)
      return Indirect;
    if (V->hasGlobalStorage())
      return true;
    if (declaredWithin(V, Task.Fn))
      return false;
    if (Indirect)
      return true;
    if (Task.Lambda)
      for (const LambdaCapture &C : Task.Lambda->captures())
        if (C.capturesVariable() && C.getCapturedVar() == V)
          return C.getCaptureKind() == LCK_ByRef;
    return false;
  }
  if (const auto *F = dyn_cast<FieldDecl>(D)) {
    if (Indirect)
      return true;
    // A function object is copied into its task: its members are the
    // task's own. A member function started on `this` shares the object.
    const auto *MD = dyn_cast<CXXMethodDecl>(Task.Fn);
    return !(MD && !Task.Lambda && MD->getOverloadedOperator() == OO_Call &&
             MD->getParent() == F->getParent());
  }
  return false;
}

ConcurrencyModel &ModelCache::get(ASTContext &Ctx, const ApiRoles &Roles) {
  std::unique_ptr<ConcurrencyModel> &Slot = Models[Roles.fingerprint()];
  if (!Slot)
    Slot = std::make_unique<ConcurrencyModel>(Ctx, Roles);
  return *Slot;
}

} // namespace clang::tidy::csp
