// Unit tests of Objects.h: which object an expression denotes, and how a
// callee's or a task's objects map into the caller's frame.
#include "TestSupport.h"
#include "analysis/Objects.h"

#include "llvm/ADT/DenseMap.h"

namespace clang::tidy::csp {
namespace {

/// The object the first call to \p Method in \p Fn runs on.
ObjectPath receiverOf(Analysed &A, llvm::StringRef Fn, llvm::StringRef Method) {
  const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
  EXPECT_TRUE(F) << Fn.str();
  const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(callTo(F->getBody(), Method));
  EXPECT_TRUE(Call) << Method.str();
  return Call ? objectOf(Call->getImplicitObjectArgument()) : ObjectPath();
}

/// The object given as the first argument of the first call to \p Callee.
ObjectPath argumentOf(Analysed &A, llvm::StringRef Fn, llvm::StringRef Callee) {
  const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
  const CallExpr *Call = callTo(F->getBody(), Callee);
  EXPECT_TRUE(Call && Call->getNumArgs() > 0) << Callee.str();
  return Call && Call->getNumArgs() ? objectOf(Call->getArg(0)) : ObjectPath();
}

TEST(ObjectsTest, AVariableIsItself) {
  Analysed A = analyse("void f(csp::wait_group &wg) { wg.wait(); }");
  ObjectPath P = receiverOf(A, "f", "wait");
  ASSERT_TRUE(P);
  EXPECT_EQ(P.rootKind(), ObjectPath::RootKind::Variable);
  EXPECT_EQ(P.spelling(), "wg");
  EXPECT_EQ(P.decl()->getName(), "wg");
}

TEST(ObjectsTest, MembersOfThisWithAndWithoutThis) {
  Analysed A = analyse(R"cpp(
    struct Pool {
      csp::chan<int> jobs_;
      void a() { jobs_.close(); }
      void b() { this->jobs_.send(1); }
    };
    void a(Pool &p) { p.a(); }
  )cpp");
  const CXXRecordDecl *Pool = nullptr;
  for (const Decl *D : A.AST->getASTContext().getTranslationUnitDecl()->decls())
    if (const auto *RD = dyn_cast<CXXRecordDecl>(D); RD && RD->getName() == "Pool")
      Pool = RD;
  ASSERT_TRUE(Pool);
  ObjectPath Implicit, Explicit;
  for (const CXXMethodDecl *MD : Pool->methods()) {
    if (!MD->hasBody())
      continue;
    const auto *Call = first<CXXMemberCallExpr>(MD->getBody());
    (MD->getName() == "a" ? Implicit : Explicit) = objectOf(Call->getImplicitObjectArgument());
  }
  EXPECT_EQ(Implicit.rootKind(), ObjectPath::RootKind::This);
  EXPECT_EQ(Implicit.spelling(), "this->jobs_");
  EXPECT_EQ(Implicit, Explicit);
}

TEST(ObjectsTest, PointersAndReferencesAreLookedThrough) {
  Analysed A = analyse(R"cpp(
    struct S { csp::wait_group wg; };
    void arrow(S *p) { p->wg.wait(); }
    void star(S *p) { (*p).wg.wait(); }
  )cpp");
  ObjectPath Arrow = receiverOf(A, "arrow", "wait"), Star = receiverOf(A, "star", "wait");
  EXPECT_EQ(Arrow.spelling(), "p.wg");
  EXPECT_EQ(Star.spelling(), "p.wg");
  // Different functions' parameters are different roots.
  EXPECT_NE(Arrow, Star);
  EXPECT_EQ(Arrow.members(), Star.members());
}

TEST(ObjectsTest, TheSameMemberOfTwoObjectsIsTwoObjects) {
  Analysed A = analyse(R"cpp(
    struct S { csp::wait_group wg; };
    void f(S &a, S &b) { a.wg.add(1); b.wg.wait(); }
  )cpp");
  ObjectPath OfA = receiverOf(A, "f", "add"), OfB = receiverOf(A, "f", "wait");
  EXPECT_NE(OfA, OfB);
  EXPECT_FALSE(OfA.overlaps(OfB));
  EXPECT_EQ(OfA.decl(), OfB.decl()) << "the field alone cannot tell them apart";
}

TEST(ObjectsTest, WrappersPassTheObjectOn) {
  Analysed A = analyse(R"cpp(
    void take(csp::wait_group &);
    void ref(csp::wait_group &);
    void viaAddress(csp::wait_group wg) { take(*&wg); }
    void viaMove(csp::chan<int> ch) { csp::go(std::move(ch)); }
    void viaRef(csp::wait_group wg) { ref(std::ref(wg)); }
    void viaView(csp::chan<int> ch) { csp::recv_chan<int> r = ch; r.recv(); }
    void take(csp::recv_chan<int>);
    void viaCast(csp::chan<int> ch) { take(csp::recv_chan<int>(ch)); }
    void viaStaticCast(csp::chan<int> ch) { take(static_cast<csp::recv_chan<int>>(ch)); }
  )cpp");
  EXPECT_EQ(argumentOf(A, "viaCast", "take").spelling(), "ch");
  EXPECT_EQ(argumentOf(A, "viaStaticCast", "take").spelling(), "ch");
  EXPECT_EQ(argumentOf(A, "viaAddress", "take").spelling(), "wg");
  EXPECT_EQ(argumentOf(A, "viaMove", "go").spelling(), "ch");
  EXPECT_EQ(argumentOf(A, "viaRef", "ref").spelling(), "wg");
  // A view is a variable of its own: the channel model unites it with ch.
  EXPECT_EQ(receiverOf(A, "viaView", "recv").spelling(), "r");
}

TEST(ObjectsTest, ALocalReferenceDenotesWhatItIsBoundTo) {
  Analysed A = analyse(R"cpp(
    struct Pool { csp::chan<int> jobs; };
    void f(Pool &pool) { auto &q = pool.jobs; q.close(); }
    csp::chan<int> &make();
    void g() { auto &r = make(); r.close(); }
  )cpp");
  EXPECT_EQ(receiverOf(A, "f", "close").spelling(), "pool.jobs");
  EXPECT_EQ(receiverOf(A, "g", "close").spelling(), "r") << "bound to no named object";
}

TEST(ObjectsTest, ARangeForVariableIsEachElement) {
  Analysed A = analyse(R"cpp(
    template <class T> struct list { T *begin(); T *end(); };
    void f(list<csp::chan<int>> &all) { for (auto &c : all) c.close(); }
  )cpp");
  EXPECT_EQ(receiverOf(A, "f", "close").spelling(), "c");
}

TEST(ObjectsTest, AValueThatIsNoObjectHasNoPath) {
  Analysed A = analyse(R"cpp(
    struct S { csp::wait_group wg; };
    S make();
    void take(csp::wait_group &&);
    void f() { take(static_cast<csp::wait_group &&>(make().wg)); }
    csp::chan<int> *all();
    void g() { all()[0].close(); }
  )cpp");
  EXPECT_FALSE(argumentOf(A, "f", "take"));
  EXPECT_FALSE(receiverOf(A, "g", "close"));
}

/// The binding of the first call to \p Callee in \p Fn, and the object the
/// first call to \p Method in the callee runs on.
std::pair<Binding, ObjectPath> callInto(Analysed &A, llvm::StringRef Fn, llvm::StringRef Callee,
                                        llvm::StringRef Method) {
  const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
  const CallExpr *Call = callTo(F->getBody(), Callee);
  EXPECT_TRUE(Call) << Callee.str();
  Binding B = callBinding(Call);
  const auto *Inner = cast<CXXMemberCallExpr>(callTo(B.Fn->getBody(), Method));
  return {B, objectOf(Inner->getImplicitObjectArgument())};
}

TEST(ObjectsTest, TranslateAReferenceParameterToTheArgument) {
  Analysed A = analyse(R"cpp(
    struct S { csp::wait_group wg; };
    void helper(S &s) { s.wg.done(); }
    struct Outer { S inner; };
    void f(Outer &o) { helper(o.inner); }
  )cpp");
  auto [B, Inner] = callInto(A, "f", "helper", "done");
  std::optional<Translated> T = translate(Inner, B);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->Path.spelling(), "o.inner.wg");
  EXPECT_FALSE(T->Copy);
}

TEST(ObjectsTest, TranslateAByValueParameterAsACopy) {
  Analysed A = analyse(R"cpp(
    void helper(csp::chan<int> c) { c.close(); }
    void f(csp::chan<int> ch) { helper(ch); }
  )cpp");
  auto [B, Inner] = callInto(A, "f", "helper", "close");
  std::optional<Translated> T = translate(Inner, B);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->Path.spelling(), "ch");
  EXPECT_TRUE(T->Copy);
}

TEST(ObjectsTest, TranslateThisToTheCallsObject) {
  Analysed A = analyse(R"cpp(
    struct Pool {
      csp::chan<int> jobs_;
      void stop() { jobs_.close(); }
    };
    struct Server { Pool pool; };
    void f(Server &s) { s.pool.stop(); }
  )cpp");
  auto [B, Inner] = callInto(A, "f", "stop", "close");
  std::optional<Translated> T = translate(Inner, B);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->Path.spelling(), "s.pool.jobs_");
}

TEST(ObjectsTest, TranslateDropsTheCalleesOwnObjects) {
  Analysed A = analyse(R"cpp(
    csp::wait_group global;
    void helper() { csp::wait_group mine; mine.wait(); global.wait(); }
    void f() { helper(); }
  )cpp");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  Binding B = callBinding(callTo(F->getBody(), "helper"));
  const auto *Mine = cast<CXXMemberCallExpr>(callTo(B.Fn->getBody(), "wait"));
  EXPECT_FALSE(translate(objectOf(Mine->getImplicitObjectArgument()), B));
  const CXXMemberCallExpr *Global = nullptr;
  for (const Stmt *S : cast<CompoundStmt>(B.Fn->getBody())->body())
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S))
      Global = MC;
  std::optional<Translated> T = translate(objectOf(Global->getImplicitObjectArgument()), B);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->Path.spelling(), "global");
}

TEST(ObjectsTest, TranslateCapturesOfALambda) {
  Analysed A = analyse(R"cpp(
    struct S { csp::wait_group wg; int n; };
    void f(S &s, csp::chan<int> ch) {
      auto task = [&s, ch, out = ch] { s.wg.done(); ch.close(); out.send(1); };
      task();
    }
  )cpp");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  const auto *L = first<LambdaExpr>(F->getBody());
  Binding B;
  B.Fn = L->getCallOperator();
  auto At = [&](llvm::StringRef Method) {
    const auto *MC = cast<CXXMemberCallExpr>(callTo(L->getBody(), Method));
    return translate(objectOf(MC->getImplicitObjectArgument()), B);
  };
  std::optional<Translated> ByRef = At("done"), ByCopy = At("close"), Init = At("send");
  ASSERT_TRUE(ByRef && ByCopy && Init);
  EXPECT_EQ(ByRef->Path.spelling(), "s.wg");
  EXPECT_FALSE(ByRef->Copy);
  EXPECT_EQ(ByCopy->Path.spelling(), "ch");
  EXPECT_TRUE(ByCopy->Copy);
  EXPECT_EQ(Init->Path.spelling(), "ch");
  EXPECT_TRUE(Init->Copy);
}

/// The left-hand sides of \p Fn's assignments, in order.
std::vector<const Expr *> assigned(Analysed &A, llvm::StringRef Fn) {
  std::vector<const Expr *> Out;
  const FunctionDecl *F = function(A.AST->getASTContext(), Fn);
  for (const Stmt *S : cast<CompoundStmt>(F->getBody())->body())
    if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isAssignmentOp())
      Out.push_back(BO->getLHS());
  return Out;
}

TEST(ObjectsTest, ReachTellsAPointerFromWhatItPointsTo) {
  Analysed A = analyse(R"cpp(
    struct S { int n; S *next; };
    void f(int *p, S s, S *q) { p = nullptr; *p = 1; q->n = 1; (*q).n = 2; s.next->n = 3; s.n = 4; }
  )cpp");
  std::vector<const Expr *> L = assigned(A, "f");
  ASSERT_EQ(L.size(), 6u);
  struct Want { const char *Path; bool Root, Member; };
  Want Expected[] = {{"p", false, false}, {"p", true, false}, {"q.n", true, false},
                     {"q.n", true, false}, {"s.next.n", false, true}, {"s.n", false, false}};
  for (size_t I = 0; I < L.size(); ++I) {
    Reach How;
    EXPECT_EQ(objectOf(L[I], How).spelling(), Expected[I].Path) << I;
    EXPECT_EQ(How.ThroughRoot, Expected[I].Root) << I;
    EXPECT_EQ(How.ThroughMember, Expected[I].Member) << I;
  }
}

TEST(ObjectsTest, ThePointeeOfAnAddressIsTheObjectItself) {
  Analysed A = analyse(R"cpp(
    struct S { int n; };
    void take(int *, S *, int *);
    void f(S s, int x, int *p) { take(&x, &s, p); }
  )cpp");
  const CallExpr *Call = callTo(function(A.AST->getASTContext(), "f")->getBody(), "take");
  Reach How;
  EXPECT_EQ(objectOf(Call->getArg(0), How).spelling(), "x");
  EXPECT_TRUE(How.Address);
  EXPECT_EQ(pointeeOf(Call->getArg(1), How).spelling(), "s");
  EXPECT_TRUE(How.direct());
  EXPECT_EQ(pointeeOf(Call->getArg(2), How).spelling(), "p");
  EXPECT_TRUE(How.ThroughRoot);
}

TEST(ObjectsTest, TranslateAccessThroughAPointerParameter) {
  Analysed A = analyse(R"cpp(
    void helper(int *p) { *p = 1; p = nullptr; }
    void f() { int x = 0; helper(&x); }
  )cpp");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  Binding B = callBinding(callTo(F->getBody(), "helper"));
  std::vector<const Expr *> L = assigned(A, "helper");
  ASSERT_EQ(L.size(), 2u);
  Reach How;
  ObjectPath Pointee = objectOf(L[0], How);
  std::optional<Translated> T = translateAccess(Pointee, How, B);
  ASSERT_TRUE(T);
  EXPECT_EQ(T->Path.spelling(), "x");
  EXPECT_FALSE(T->Copy) << "a copied pointer points to the caller's x";
  EXPECT_TRUE(T->How.direct());
  ObjectPath Pointer = objectOf(L[1], How);
  T = translateAccess(Pointer, How, B);
  ASSERT_TRUE(T);
  EXPECT_TRUE(T->Copy) << "the pointer itself is the helper's copy";
  EXPECT_FALSE(translate(Pointer, B)->Copy) << "as a handle, the pointer stands for x";
}

TEST(ObjectsTest, ASpawnsArgumentsAreCopiesUnlessWrappedInStdRef) {
  Analysed A = analyse(R"cpp(
    void count(int &c) { c = 1; }
    void f() { int n = 0; count(std::ref(n)); count(n); }
  )cpp");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  std::vector<const CallExpr *> Calls;
  for (const Stmt *S : cast<CompoundStmt>(F->getBody())->body())
    if (const auto *CE = dyn_cast<CallExpr>(cast<Expr>(S)->IgnoreImplicit()))
      Calls.push_back(CE);
  ASSERT_EQ(Calls.size(), 2u);
  Reach How;
  ObjectPath Inner = objectOf(assigned(A, "count")[0], How);
  for (size_t I = 0; I < 2; ++I) {
    Binding B = callBinding(Calls[I]);
    EXPECT_FALSE(translateAccess(Inner, How, B)->Copy) << "a call binds the reference";
    B.ArgsCopied = true;
    EXPECT_EQ(translateAccess(Inner, How, B)->Copy, I == 1) << I;
    EXPECT_EQ(translate(Inner, B)->Copy, I == 1) << I;
  }
}

TEST(ObjectsTest, AStarThisCaptureIsACopy) {
  Analysed A = analyse(R"cpp(
    struct S {
      int n;
      void f() { auto a = [*this]() mutable { n = 1; }; auto b = [this] { n = 2; }; }
    };
  )cpp");
  const auto *Record = cast<CXXRecordDecl>(
      *llvm::find_if(A.AST->getASTContext().getTranslationUnitDecl()->decls(), [](const Decl *D) {
        const auto *R = dyn_cast<CXXRecordDecl>(D);
        return R && R->getName() == "S" && R->isThisDeclarationADefinition();
      }));
  const CXXMethodDecl *F = *llvm::find_if(Record->methods(), [](const CXXMethodDecl *M) {
    return M->getName() == "f";
  });
  std::vector<bool> Copies;
  for (LambdaCaptureKind Kind : {LCK_StarThis, LCK_This}) {
    const auto *L = first<LambdaExpr>(F->getBody(), [&](const LambdaExpr *E) {
      return E->capture_begin()->getCaptureKind() == Kind;
    });
    ASSERT_TRUE(L);
    Binding B;
    B.Fn = L->getCallOperator();
    Reach How;
    ObjectPath Inner = objectOf(first<BinaryOperator>(L->getBody())->getLHS(), How);
    EXPECT_EQ(Inner.spelling(), "this->n");
    Copies.push_back(translateAccess(Inner, How, B)->Copy);
    EXPECT_EQ(translate(Inner, B)->Copy, Kind == LCK_StarThis);
  }
  EXPECT_EQ(Copies, (std::vector<bool>{true, false}));
}

TEST(ObjectsTest, PathsArePrefixesAndMapKeys) {
  Analysed A = analyse(R"cpp(
    struct In { csp::wait_group wg; };
    struct Out { In in; };
    void f(Out &o) { o.in.wg.wait(); }
  )cpp");
  ObjectPath Deep = receiverOf(A, "f", "wait");
  ASSERT_EQ(Deep.members().size(), 2u);
  ObjectPath Root = ObjectPath::variable(Deep.root());
  EXPECT_TRUE(Deep.startsWith(Root));
  EXPECT_FALSE(Root.startsWith(Deep));
  EXPECT_TRUE(Root.overlaps(Deep));
  llvm::DenseMap<ObjectPath, int> Seen;
  Seen[Deep] = 1;
  Seen[Root] = 2;
  EXPECT_EQ(Seen.lookup(receiverOf(A, "f", "wait")), 1);
  EXPECT_EQ(Seen.size(), 2u);
}

} // namespace
} // namespace clang::tidy::csp
