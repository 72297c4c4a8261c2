#include "analysis/ConcurrencyModel.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "llvm/ADT/DenseSet.h"

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
  if (!E || Depth > 4)
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

class SpawnCollector : public RecursiveASTVisitor<SpawnCollector> {
public:
  SpawnCollector(const ASTContext &Ctx, const ApiRoles &Roles,
                 std::vector<SpawnSite> &Out)
      : Ctx(Ctx), Roles(Roles), Out(Out) {}

  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) &&
        inSystemHeader(Ctx, D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitCallExpr(CallExpr *CE) {
    llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
    if (Roles.roleOf(CE->getDirectCallee()) == Role::Spawn) {
      // A member operator's first argument is its object, not a callable.
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(CE);
          Op && isa<CXXMethodDecl>(Op->getDirectCallee()))
        Args = Args.drop_front();
      add(CE, Args);
    } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      if (Roles.isSpawnType(emplacedRecord(MC)))
        add(CE, Args);
    }
    return true;
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    if (Roles.roleOf(CE->getConstructor()) == Role::Spawn)
      add(CE, llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs()));
    return true;
  }

private:
  /// The task is the first argument that resolves to a callable (std::async
  /// takes a launch policy first); the rest are bound to its parameters.
  void add(const Expr *Site, llvm::ArrayRef<const Expr *> Args) {
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
      S.Task = Task;
      S.BoundArgs.assign(Rest.begin(), Rest.end());
      Out.push_back(std::move(S));
      return;
    }
  }

  const ASTContext &Ctx;
  const ApiRoles &Roles;
  std::vector<SpawnSite> &Out;
};

/// Walks one body and records what it does by itself.
class FactsWalker : public RecursiveASTVisitor<FactsWalker> {
public:
  FactsWalker(ConcurrencyModel &Model, const FunctionDecl *Fn,
              const llvm::DenseMap<const Expr *, const SpawnSite *> &SpawnAt,
              const llvm::DenseSet<const LambdaExpr *> &TaskLambdas,
              BodyFacts &Out)
      : Model(Model), Fn(Fn), SpawnAt(SpawnAt), TaskLambdas(TaskLambdas),
        Out(Out) {}

  // Lambdas run by tasks are other bodies; every other lambda (a scope
  // guard, a callback, an immediately invoked one) is taken to run here.
  bool TraverseLambdaExpr(LambdaExpr *L) {
    if (TaskLambdas.contains(L))
      return true;
    return RecursiveASTVisitor::TraverseLambdaExpr(L);
  }

  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    noteSpawn(CE);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    noteSpawn(CE);
    const FunctionDecl *Callee = CE->getDirectCallee();
    if (!Callee)
      return true;
    llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
    const Expr *Object = nullptr;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
      Object = MC->getImplicitObjectArgument();
    } else if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(Callee)) {
      Object = Args.front();
      Args = Args.drop_front();
    }

    Role R = Model.roles().roleOf(Callee);
    if (R != Role::None && R != Role::Spawn) {
      // A free function may play a role too; its object is its first
      // argument.
      const Expr *Target = Object ? Object : (Args.empty() ? nullptr : Args[0]);
      if (const ValueDecl *D = ConcurrencyModel::rootObject(Target))
        Out.Ops.push_back({R, CE, D, nullptr});
      return true;
    }
    if (R == Role::None && Callee != Fn)
      summarize(CE, Callee, Args);
    return true;
  }

private:
  void noteSpawn(const Expr *E) {
    if (const SpawnSite *S = SpawnAt.lookup(E))
      Out.Spawns.push_back(S);
  }

  /// Applies what \p Callee does to its parameters and to fields and globals
  /// at the call.
  void summarize(const CallExpr *CE, const FunctionDecl *Callee,
                 llvm::ArrayRef<const Expr *> Args) {
    const FunctionDecl *Def = Callee->getDefinition();
    if (!Def || !Def->hasBody() ||
        inSystemHeader(Model.astContext(), Def->getLocation()))
      return;
    for (const Op &Inner : Model.factsOf(Def).Ops) {
      const ValueDecl *D = Inner.Object;
      if (const auto *P = dyn_cast<ParmVarDecl>(D)) {
        if (P->getDeclContext() != Def)
          continue;
        unsigned Index = P->getFunctionScopeIndex();
        D = Index < Args.size() ? ConcurrencyModel::rootObject(Args[Index])
                                : nullptr;
      } else if (const auto *V = dyn_cast<VarDecl>(D);
                 V && !V->hasGlobalStorage()) {
        continue; // the helper's own local
      }
      if (D)
        Out.Ops.push_back({Inner.Kind, CE, D, Inner.Via ? Inner.Via : Def});
    }
  }

  ConcurrencyModel &Model;
  const FunctionDecl *Fn;
  const llvm::DenseMap<const Expr *, const SpawnSite *> &SpawnAt;
  const llvm::DenseSet<const LambdaExpr *> &TaskLambdas;
  BodyFacts &Out;
};

} // namespace

ConcurrencyModel::ConcurrencyModel(ASTContext &Ctx, ApiRoles Roles)
    : Ctx(Ctx), Roles(std::move(Roles)) {
  collectSpawns();
}

void ConcurrencyModel::collectSpawns() {
  SpawnCollector(Ctx, Roles, Spawns).TraverseAST(Ctx);
  for (const SpawnSite &S : Spawns) {
    SpawnAt[S.Site] = &S;
    if (S.Task.Lambda)
      TaskLambdas.insert(S.Task.Lambda);
  }
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

const ValueDecl *ConcurrencyModel::rootObject(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 8; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return isa<VarDecl>(DRE->getDecl()) ? DRE->getDecl() : nullptr;
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return dyn_cast<FieldDecl>(ME->getMemberDecl());
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_Deref && UO->getOpcode() != UO_AddrOf)
        return nullptr;
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // Smart pointers: `*p`, `p->`.
      if (Op->getOperator() != OO_Star && Op->getOperator() != OO_Arrow)
        return nullptr;
      E = Op->getArg(0);
      continue;
    }
    if (const auto *CE = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = CE->getDirectCallee();
      if (!FD || CE->getNumArgs() != 1 || !FD->isInStdNamespace() ||
          !FD->getIdentifier() ||
          (FD->getName() != "ref" && FD->getName() != "cref"))
        return nullptr;
      E = CE->getArg(0);
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

Callable ConcurrencyModel::resolveCallable(const Expr *E) {
  return resolveCallableImpl(E, /*AtSpawn=*/true, 0);
}

ConcurrencyModel &ModelCache::get(ASTContext &Ctx, const ApiRoles &Roles) {
  std::unique_ptr<ConcurrencyModel> &Slot = Models[Roles.fingerprint()];
  if (!Slot)
    Slot = std::make_unique<ConcurrencyModel>(Ctx, Roles);
  return *Slot;
}

} // namespace clang::tidy::csp
