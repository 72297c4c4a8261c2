#include "analysis/Objects.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

namespace clang::tidy::csp {

ObjectPath ObjectPath::variable(const VarDecl *V) {
  ObjectPath P;
  if (V) {
    P.Kind = RootKind::Variable;
    P.Root = V;
  }
  return P;
}

ObjectPath ObjectPath::thisObject() {
  ObjectPath P;
  P.Kind = RootKind::This;
  return P;
}

const ValueDecl *ObjectPath::decl() const {
  if (!Members.empty())
    return Members.back();
  return Root;
}

ObjectPath ObjectPath::member(const FieldDecl *F) const {
  ObjectPath P = *this;
  P.Members.push_back(F);
  return P;
}

ObjectPath ObjectPath::append(llvm::ArrayRef<const FieldDecl *> Suffix) const {
  ObjectPath P = *this;
  P.Members.append(Suffix.begin(), Suffix.end());
  return P;
}

bool ObjectPath::startsWith(const ObjectPath &Prefix) const {
  return *this && Kind == Prefix.Kind && Root == Prefix.Root &&
         Members.size() >= Prefix.Members.size() &&
         std::equal(Prefix.Members.begin(), Prefix.Members.end(), Members.begin());
}

std::string ObjectPath::spelling() const {
  std::string S;
  if (Kind == RootKind::None)
    return S;
  if (Kind == RootKind::This)
    S = Members.empty() ? "*this" : "this->";
  else
    S = Root->getName().str();
  for (size_t I = 0; I < Members.size(); ++I) {
    if (I > 0 || Kind == RootKind::Variable)
      S += '.';
    S += Members[I]->getName();
  }
  return S;
}

llvm::hash_code ObjectPath::hash() const {
  return llvm::hash_combine(static_cast<unsigned>(Kind), Root,
                            llvm::hash_combine_range(Members.begin(), Members.end()));
}

bool mentions(const Stmt *S, const ValueDecl *D) {
  llvm::SmallVector<const Stmt *, 16> Work{S};
  while (!Work.empty()) {
    const Stmt *N = Work.pop_back_val();
    if (!N)
      continue;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(N); DRE && DRE->getDecl() == D)
      return true;
    if (const auto *ME = dyn_cast<MemberExpr>(N); ME && ME->getMemberDecl() == D)
      return true;
    llvm::append_range(Work, N->children());
  }
  return false;
}

bool isTransparentStdFunction(const FunctionDecl *FD) {
  return FD && FD->isInStdNamespace() && FD->getIdentifier() &&
         llvm::is_contained({"move", "forward", "ref", "cref"}, FD->getName());
}

const Expr *roleObject(const CallExpr *CE) {
  // The object as written: libstdc++ declares future::wait in a base
  // class, and the implicit cast to it would hide the future's type.
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE))
    if (const Expr *Object = MC->getImplicitObjectArgument())
      return Object->IgnoreImpCasts();
  return CE->getNumArgs() ? CE->getArg(0) : nullptr;
}

namespace {

/// A local reference bound once to an object stands for it; a parameter is
/// bound by each caller (translate() does that), and a range-for variable
/// names a different element each time round.
const Expr *referencedObject(const VarDecl *V) {
  if (!V->getType()->isReferenceType() || isa<ParmVarDecl>(V) || V->isCXXForRangeDecl() ||
      V->isInitCapture() || !V->getInit())
    return nullptr;
  return V->getInit();
}

} // namespace

ObjectPath objectOf(const Expr *E) {
  Reach How;
  return objectOf(E, How);
}

ObjectPath objectOf(const Expr *E, Reach &How) {
  // Members, outermost first; reversed once the root is found.
  llvm::SmallVector<const FieldDecl *, 4> Members;
  // The dereferences met, each as the number of members outside it; a `&`
  // right inside a dereference cancels it (`(&x)->n`).
  llvm::SmallVector<size_t, 2> Derefs;
  bool Address = false, LastWasDeref = false, AtTop = true;
  // A reference variable seen on the way, in case what it is bound to turns
  // out to have no name (`auto &r = make()`): then r itself is the object.
  ObjectPath Reference;
  size_t MembersAtReference = 0, DerefsAtReference = 0;
  bool AddressAtReference = false;
  auto Rooted = [&](ObjectPath Root) {
    How = Reach();
    How.Address = Address;
    for (size_t Outside : Derefs) {
      if (Outside == Members.size() && !How.ThroughRoot)
        How.ThroughRoot = true;
      else
        How.ThroughMember = true;
    }
    std::reverse(Members.begin(), Members.end());
    return Root.append(Members);
  };
  auto NoName = [&]() {
    if (!Reference) {
      How = Reach();
      return ObjectPath();
    }
    Members.resize(MembersAtReference);
    Derefs.resize(DerefsAtReference);
    Address = AddressAtReference;
    return Rooted(Reference);
  };
  auto Deref = [&]() {
    Derefs.push_back(Members.size());
    LastWasDeref = true;
    AtTop = false;
  };
  auto Step = [&]() {
    LastWasDeref = false;
    AtTop = false;
  };
  // Bounded: a pathological chain of wrappers must not cost more than this.
  for (unsigned Depth = 0; E && Depth < 64; ++Depth) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
      if (!V)
        return NoName();
      if (const Expr *Init = referencedObject(V)) {
        Reference = ObjectPath::variable(V);
        MembersAtReference = Members.size();
        DerefsAtReference = Derefs.size();
        AddressAtReference = Address;
        E = Init;
        Step();
        continue;
      }
      return Rooted(ObjectPath::variable(V));
    }
    if (isa<CXXThisExpr>(E))
      return Rooted(ObjectPath::thisObject());
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (const auto *V = dyn_cast<VarDecl>(ME->getMemberDecl()))
        return Rooted(ObjectPath::variable(V)); // a static data member
      const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl());
      if (!F)
        return NoName();
      Members.push_back(F);
      E = ME->getBase();
      Step();
      // `this->n` is a member of the object; `p->n` of what p points to.
      if (ME->isArrow() && !isa<CXXThisExpr>(E->IgnoreParenImpCasts()))
        Deref();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_Deref) {
        if (!isa<CXXThisExpr>(UO->getSubExpr()->IgnoreParenImpCasts()))
          Deref();
      } else if (UO->getOpcode() == UO_AddrOf) {
        if (LastWasDeref && Derefs.back() == Members.size())
          Derefs.pop_back();
        else if (AtTop)
          Address = true;
        Step();
      } else {
        return NoName();
      }
      E = UO->getSubExpr();
      continue;
    }
    // Written out, the conversion to a view is still the handle:
    // `csp::send_chan<int>(ch)`, `static_cast<recv_chan<int>>(ch)`.
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E);
        Cast && isa<CXXFunctionalCastExpr, CXXStaticCastExpr>(Cast) &&
        Cast->getType()->isRecordType()) {
      E = Cast->getSubExpr();
      continue;
    }
    // A copy of a handle, or a view of it (chan -> send_chan), is the same
    // object; a constructor from something else (`Mailbox<int> box(8)`)
    // makes a new one.
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      if (Construct->getNumArgs() != 1 || !Construct->getArg(0)->getType()->isRecordType())
        return NoName();
      E = Construct->getArg(0);
      Step();
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (!isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl()))
        return NoName();
      E = MC->getImplicitObjectArgument();
      Step();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // Smart pointers: `*p`, `p->`.
      if (Op->getOperator() != OO_Star && Op->getOperator() != OO_Arrow)
        return NoName();
      E = Op->getArg(0);
      // `p->n` is dereferenced by its member expression.
      if (Op->getOperator() == OO_Star)
        Deref();
      else
        Step();
      continue;
    }
    if (const auto *CE = dyn_cast<CallExpr>(E)) {
      if (CE->getNumArgs() != 1 || !isTransparentStdFunction(CE->getDirectCallee()))
        return NoName();
      E = CE->getArg(0);
      continue;
    }
    return NoName();
  }
  return NoName();
}

namespace {

bool declaredWithin(const Decl *D, const FunctionDecl *Fn) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *F = dyn_cast<FunctionDecl>(DC);
        F && F->getCanonicalDecl() == Fn->getCanonicalDecl())
      return true;
  return false;
}

bool isLambdaCallOperator(const FunctionDecl *Fn) {
  const auto *MD = dyn_cast<CXXMethodDecl>(Fn);
  return MD && MD->getParent()->isLambda();
}

/// Whether the lambda whose call operator is \p Fn captures \p V by copy.
bool capturedByCopy(const FunctionDecl *Fn, const VarDecl *V) {
  for (const LambdaCapture &C : cast<CXXMethodDecl>(Fn)->getParent()->captures())
    if (C.capturesVariable() && C.getCapturedVar() == V)
      return C.getCaptureKind() == LCK_ByCopy;
  return false;
}

bool passedByValue(QualType T) { return !T->isReferenceType() && !T->isPointerType(); }

/// What the pointer (or smart pointer) \p E points to, given how E reaches
/// its own path: `&x` points to x; `p`, to what p points to.
Reach pointee(const Expr *E, Reach How, const ObjectPath &Path) {
  if (How.Address) {
    How.Address = false;
    return How;
  }
  if (isa<CXXThisExpr>(E->IgnoreParenImpCasts()))
    return How;
  if (How.direct() && Path.members().empty())
    How.ThroughRoot = true;
  else
    How.ThroughMember = true;
  return How;
}

bool referenceWrapped(const Expr *E) {
  E = E->IgnoreImplicit()->IgnoreParens();
  // Bound to a reference parameter through its `operator T &`.
  if (const auto *Conv = dyn_cast<CXXMemberCallExpr>(E);
      Conv && isa_and_nonnull<CXXConversionDecl>(Conv->getMethodDecl()))
    E = Conv->getImplicitObjectArgument()->IgnoreImplicit()->IgnoreParens();
  const auto *CE = dyn_cast<CallExpr>(E);
  const FunctionDecl *FD = CE ? CE->getDirectCallee() : nullptr;
  return FD && FD->isInStdNamespace() && FD->getIdentifier() &&
         llvm::is_contained({"ref", "cref"}, FD->getName());
}

bool capturesStarThis(const FunctionDecl *Fn) {
  for (const LambdaCapture &C : cast<CXXMethodDecl>(Fn)->getParent()->captures())
    if (C.capturesThis())
      return C.getCaptureKind() == LCK_StarThis;
  return false;
}

} // namespace

ObjectPath pointeeOf(const Expr *E, Reach &How) {
  ObjectPath P = objectOf(E, How);
  if (P)
    How = pointee(E, How, P);
  return P;
}

std::optional<Translated> translate(const ObjectPath &Inner, const Binding &B) {
  if (!Inner || !B.Fn)
    return std::nullopt;
  auto Rebase = [&](const Expr *Base, bool Copy) -> std::optional<Translated> {
    ObjectPath Outer = Base ? objectOf(Base) : ObjectPath();
    if (!Outer)
      return std::nullopt;
    return Translated{Outer.append(Inner.members()), Copy, {}};
  };
  if (Inner.rootKind() == ObjectPath::RootKind::This) {
    // In a lambda, `this` is the enclosing member function's object.
    if (isLambdaCallOperator(B.Fn))
      return Translated{Inner, capturesStarThis(B.Fn), {}};
    return Rebase(B.Object, B.ObjectCopied);
  }
  const VarDecl *V = Inner.root();
  if (const auto *P = dyn_cast<ParmVarDecl>(V);
      P && isa<FunctionDecl>(P->getDeclContext()) &&
      cast<FunctionDecl>(P->getDeclContext())->getCanonicalDecl() ==
          B.Fn->getCanonicalDecl()) {
    unsigned Index = P->getFunctionScopeIndex();
    const Expr *Arg = Index < B.Args.size() ? B.Args[Index] : nullptr;
    return Rebase(Arg, passedByValue(P->getType()) ||
                           (B.ArgsCopied && Arg && P->getType()->isReferenceType() &&
                            !referenceWrapped(Arg)));
  }
  if (V->isInitCapture() && declaredWithin(V, B.Fn))
    return Rebase(V->getInit(), !V->getType()->isReferenceType());
  // A static local is one object for every call.
  if (V->hasGlobalStorage())
    return Translated{Inner, false, {}};
  if (declaredWithin(V, B.Fn))
    return std::nullopt;
  // A variable of an enclosing function, seen through a lambda's capture.
  return Translated{Inner, isLambdaCallOperator(B.Fn) && capturedByCopy(B.Fn, V), {}};
}

std::optional<Translated> translateAccess(const ObjectPath &Inner, Reach How, const Binding &B) {
  if (!Inner || !B.Fn)
    return std::nullopt;
  // Inner's root stands for \p Base (its value, or the object it refers to
  // with \p ByReference); \p Copied: the frame holds a copy of it.
  auto Rebase = [&](const Expr *Base, bool ByReference, bool Copied) -> std::optional<Translated> {
    if (!Base)
      return std::nullopt;
    Reach Outer;
    ObjectPath P = objectOf(Base, Outer);
    if (!P)
      return std::nullopt;
    // The root, a pointer, is dereferenced: the object is the pointee of
    // what the caller passed.
    if (How.ThroughRoot)
      Outer = pointee(Base, Outer, P);
    Outer.ThroughMember |= How.ThroughMember;
    return Translated{P.append(Inner.members()), Copied && How.direct(), Outer};
  };
  if (Inner.rootKind() == ObjectPath::RootKind::This) {
    // In a lambda, `this` is the enclosing member function's object.
    if (isLambdaCallOperator(B.Fn))
      return Translated{Inner, capturesStarThis(B.Fn) && How.direct(), How};
    if (!B.Object)
      return std::nullopt;
    Reach Outer;
    ObjectPath P = objectOf(B.Object, Outer);
    if (!P)
      return std::nullopt;
    if (B.Object->getType()->isPointerType())
      Outer = pointee(B.Object, Outer, P);
    Outer.ThroughMember |= How.ThroughMember;
    return Translated{P.append(Inner.members()), B.ObjectCopied && How.direct(), Outer};
  }
  const VarDecl *V = Inner.root();
  if (const auto *P = dyn_cast<ParmVarDecl>(V);
      P && isa<FunctionDecl>(P->getDeclContext()) &&
      cast<FunctionDecl>(P->getDeclContext())->getCanonicalDecl() ==
          B.Fn->getCanonicalDecl()) {
    unsigned Index = P->getFunctionScopeIndex();
    const Expr *Arg = Index < B.Args.size() ? B.Args[Index] : nullptr;
    bool ByReference = P->getType()->isReferenceType();
    bool Copied = !ByReference || (B.ArgsCopied && Arg && !referenceWrapped(Arg));
    return Rebase(Arg, ByReference, Copied);
  }
  if (V->isInitCapture() && declaredWithin(V, B.Fn)) {
    bool ByReference = V->getType()->isReferenceType();
    return Rebase(V->getInit(), ByReference, !ByReference);
  }
  if (V->hasGlobalStorage())
    return Translated{Inner, false, How};
  if (declaredWithin(V, B.Fn))
    return std::nullopt;
  return Translated{Inner, isLambdaCallOperator(B.Fn) && capturedByCopy(B.Fn, V) && How.direct(),
                    How};
}

Binding callBinding(const CallExpr *CE) {
  Binding B;
  const FunctionDecl *Callee = CE->getDirectCallee();
  if (!Callee)
    return B;
  B.Fn = Callee->getDefinition() ? Callee->getDefinition() : Callee;
  llvm::ArrayRef<const Expr *> Args(CE->getArgs(), CE->getNumArgs());
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(CE)) {
    B.Object = MC->getImplicitObjectArgument();
  } else if (isa<CXXOperatorCallExpr>(CE) && isa<CXXMethodDecl>(Callee) && !Args.empty()) {
    B.Object = Args.front();
    Args = Args.drop_front();
  }
  B.Args.append(Args.begin(), Args.end());
  return B;
}

} // namespace clang::tidy::csp
