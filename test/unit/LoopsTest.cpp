// Unit tests of Loops.h (ways out, guards, writes), ReceiveStatus.h (the
// ok flag, loops until closed) and Closing.h (channels nobody closes).
#include "TestSupport.h"
#include "analysis/Closing.h"
#include "analysis/Loops.h"
#include "analysis/ReceiveStatus.h"

namespace clang::tidy::csp {
namespace {

constexpr const char *Decls = R"cpp(
void use(int = 0); bool more(); [[noreturn]] void fail(); void bump(int &); void look(const int &);
struct Ctx { bool err() const; void reset(); };
int global;
template <class T> struct Box { struct R { T v; bool ok; }; void send(T); R recv_ok(); void close(); };
)cpp";

struct Fixture {
  Analysed A;
  const FunctionDecl *F = nullptr;
  explicit Fixture(llvm::StringRef Code)
      : A(analyse(std::string(Decls) + Code.str(),
                  {{"ChannelTypes", "::csp::chan;::csp::recv_chan;::Box"},
                   {"ChannelReceiveWithStatusFunctions", "::Box::recv_ok"}})) {
    F = function(A.AST->getASTContext(), "f");
    EXPECT_TRUE(F);
  }
  ASTContext &ctx() { return A.AST->getASTContext(); }
  const Stmt *loop() {
    return first<Stmt>(F->getBody(), [](const Stmt *S) {
      return isa<ForStmt, CXXForRangeStmt, WhileStmt, DoStmt>(S);
    });
  }
  const Decl *decl(llvm::StringRef Name) {
    if (const auto *DS = first<DeclStmt>(F->getBody(), [&](const DeclStmt *D) {
          return llvm::any_of(D->decls(), [&](const Decl *X) {
            const auto *V = dyn_cast<VarDecl>(X);
            return V && V->getName() == Name;
          });
        }))
      for (const Decl *X : DS->decls())
        if (cast<VarDecl>(X)->getName() == Name)
          return X;
    const auto *Ref = first<DeclRefExpr>(F->getBody(), [&](const DeclRefExpr *R) {
      return R->getDecl()->getName() == Name;
    });
    EXPECT_TRUE(Ref) << Name.str();
    return Ref ? Ref->getDecl() : nullptr;
  }
  /// The condition of the first `if` in f.
  const Expr *ifCond() {
    const auto *If = first<IfStmt>(F->getBody());
    EXPECT_TRUE(If);
    return If ? If->getCond() : nullptr;
  }
};

TEST(LoopsTest, TheFirstContinueOfALoop) {
  Fixture X(R"cpp(
    void f(int n) {
      for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) if (more()) continue;
        if (i == 1) continue;
        if (i == 2) continue;
        use(i);
      }
    }
  )cpp");
  const auto *Body = cast<CompoundStmt>(loopBody(X.loop()));
  // The inner loop's continue is its own; the first of the outer one's is
  // the `i == 1` one.
  const auto *First = cast<IfStmt>(Body->body_begin()[1]);
  EXPECT_EQ(continueOf(Body), First->getThen());
  EXPECT_FALSE(continueOf(loopBody(Fixture("void f() { for (;;) { use(); break; } }").loop())));
}

TEST(LoopsTest, TheWaysOutOfALoop) {
  Fixture X(R"cpp(
    int f(int n) {
      while (true) {
        if (n == 1) break;
        if (n == 2) return 0;
        if (n == 3) throw 1;
        if (n == 4) fail();
        for (;;) break;
        switch (n) { case 5: break; }
        auto g = [] { return 1; };
        use(g());
      }
    }
  )cpp");
  llvm::SmallVector<const Stmt *, 4> Exits = loopExits(loopBody(X.loop()));
  ASSERT_EQ(Exits.size(), 4u);
  EXPECT_TRUE(isa<BreakStmt>(Exits[0]));
  EXPECT_TRUE(isa<ReturnStmt>(Exits[1]));
  EXPECT_TRUE(isa<CXXThrowExpr>(Exits[2]));
  EXPECT_TRUE(isa<CallExpr>(Exits[3]));
}

TEST(LoopsTest, OnlyTheBodyEndsALoopWithNoConditionOfItsOwn) {
  Fixture While("void f() { while (true) use(); }");
  EXPECT_TRUE(unconditionalLoopBody(While.loop(), While.ctx()));
  Fixture For("void f() { for (;;) use(); }");
  EXPECT_TRUE(unconditionalLoopBody(For.loop(), For.ctx()));
  Fixture Cond("void f() { while (more()) use(); }");
  EXPECT_FALSE(unconditionalLoopBody(Cond.loop(), Cond.ctx()));
  Fixture Range("void f(csp::chan<int> ch) { for (int v : ch) use(v); }");
  EXPECT_FALSE(unconditionalLoopBody(Range.loop(), Range.ctx()));
}

TEST(LoopsTest, ALoopWithNoWayOutRunsForever) {
  Fixture Forever("void f() { for (;;) use(); }");
  EXPECT_TRUE(loopsForever(Forever.loop(), Forever.ctx()));
  Fixture Breaks("void f() { for (;;) { if (more()) break; use(); } }");
  EXPECT_FALSE(loopsForever(Breaks.loop(), Breaks.ctx()));
}

TEST(LoopsTest, TheGuardsOfAWayOut) {
  Fixture X("void f(bool a, bool b) { while (true) { if (a) { if (b) ; else break; } } }");
  const Stmt *Exit = loopExits(loopBody(X.loop()))[0];
  std::optional<llvm::SmallVector<ExitGuard, 2>> G = exitGuards(*X.A.Model, X.loop(), Exit);
  ASSERT_TRUE(G);
  ASSERT_EQ(G->size(), 2u);
  EXPECT_EQ(*(*G)[0].WhenTrue, false); // the else of `if (b)`
  EXPECT_EQ(*(*G)[1].WhenTrue, true);  // the then of `if (a)`
  Fixture Or("void f(bool a) { while (true) { a || (fail(), true); } }");
  G = exitGuards(*Or.A.Model, Or.loop(), loopExits(loopBody(Or.loop()))[0]);
  ASSERT_TRUE(G);
  ASSERT_EQ(G->size(), 1u);
  EXPECT_EQ(*(*G)[0].WhenTrue, false);
}

TEST(LoopsTest, AWayOutInANestedLoopOrBehindAnInitializerHasNoGuardsToRead) {
  Fixture Nested("void f(bool a) { while (true) { for (int i = 0; i < 3; ++i) if (a) return; } }");
  const Stmt *Outer = Nested.loop();
  EXPECT_FALSE(exitGuards(*Nested.A.Model, Outer, loopExits(loopBody(Outer))[0]));
  Fixture Init("void f() { while (true) { if (bool a = more(); a) return; } }");
  EXPECT_FALSE(exitGuards(*Init.A.Model, Init.loop(), loopExits(loopBody(Init.loop()))[0]));
}

TEST(LoopsTest, WhatALoopWrites) {
  Fixture X(R"cpp(
    void f(Ctx &c, Ctx &d) {
      int a = 0, b = 0, k = 0, r = 0, s = 0;
      while (more()) {
        a = 1; ++b; bump(k); look(r); c.reset(); d.err(); int *p = &s;
        bool stop = false; int got = global;
      }
    }
  )cpp");
  LoopWrites W(*X.A.Model, X.F, X.loop());
  for (const char *Name : {"a", "b", "k", "c", "s", "got"})
    EXPECT_TRUE(W.written(X.decl(Name))) << Name;
  for (const char *Name : {"r", "d", "stop"})
    EXPECT_FALSE(W.written(X.decl(Name))) << Name;
}

TEST(LoopsTest, AConditionTheLoopCannotChange) {
  Fixture X(R"cpp(
    void f(Ctx &c) {
      int limit = 3, n = 0; Ctx own;
      while (true) { if (limit > 2 && !own.err()) break; if (n > 2) break; if (global) break; ++n; }
    }
  )cpp");
  LoopWrites W(*X.A.Model, X.F, X.loop());
  llvm::SmallVector<const Stmt *, 4> Exits = loopExits(loopBody(X.loop()));
  ASSERT_EQ(Exits.size(), 3u);
  auto Cond = [&](unsigned I) { return (*exitGuards(*X.A.Model, X.loop(), Exits[I]))[0].Cond; };
  EXPECT_TRUE(W.invariant(Cond(0)));
  EXPECT_FALSE(W.invariant(Cond(1))); // n is incremented
  EXPECT_FALSE(W.invariant(Cond(2))); // a global may be what ends it
}

TEST(LoopsTest, TheOkFlagOfAReceive) {
  Fixture Binding("void f(Box<int> &b) { auto [v, ok] = b.recv_ok(); if (!ok) use(v); }");
  std::optional<OkFlag> Flag = okFlagOf(*Binding.A.Model, callTo(Binding.F->getBody(), "recv_ok"));
  ASSERT_TRUE(Flag);
  EXPECT_EQ(Flag->Var->getName(), "ok");
  EXPECT_FALSE(Flag->Member);
  EXPECT_TRUE(isNotFlag(Binding.ifCond(), *Flag));
  EXPECT_FALSE(isFlag(Binding.ifCond(), *Flag));

  Fixture Member("void f(Box<int> &b) { auto r = b.recv_ok(); if (r.ok == false) use(r.v); }");
  Flag = okFlagOf(*Member.A.Model, callTo(Member.F->getBody(), "recv_ok"));
  ASSERT_TRUE(Flag);
  EXPECT_EQ(Flag->Member->getName(), "ok");
  EXPECT_TRUE(isNotFlag(Member.ifCond(), *Flag));

  Fixture Dropped("void f(Box<int> &b) { b.recv_ok(); }");
  EXPECT_FALSE(okFlagOf(*Dropped.A.Model, callTo(Dropped.F->getBody(), "recv_ok")));
}

TEST(LoopsTest, ALoopThatReceivesUntilTheChannelIsClosed) {
  auto Until = [](llvm::StringRef Code) {
    Fixture X(Code);
    return loopUntilClosed(*X.A.Model, X.F, callTo(X.F->getBody(), "recv_ok")) != nullptr;
  };
  EXPECT_TRUE(Until("void f(Box<int> &b) { for (;;) { auto [v, ok] = b.recv_ok(); if (!ok) break; use(v); } }"));
  EXPECT_TRUE(Until("void f(Box<int> &b) { while (true) { auto r = b.recv_ok(); if (r.ok) use(r.v); else return; } }"));
  EXPECT_FALSE(Until("void f(Box<int> &b) { for (;;) { auto [v, ok] = b.recv_ok(); if (v > 3) break; } }"));
  EXPECT_FALSE(Until("void f(Box<int> &b) { while (more()) { auto [v, ok] = b.recv_ok(); if (!ok) break; } }"));
  EXPECT_FALSE(Until("void f(Box<int> &b) { for (;;) { auto [v, ok] = b.recv_ok(); } }"));
}

TEST(LoopsTest, AChannelMadeAndKeptHereThatNobodyCloses) {
  auto Never = [](llvm::StringRef Code) {
    Fixture X(Code);
    ClosingFacts C(*X.A.Model);
    return C.neverClosed(cast<ValueDecl>(X.decl("ch"))) != nullptr;
  };
  EXPECT_TRUE(Never("void f() { auto ch = csp::make_chan<int>(); csp::go([ch] { for (int v : ch) use(v); }); ch.send(1); }"));
  EXPECT_FALSE(Never("void f() { auto ch = csp::make_chan<int>(); csp::go([ch] { for (int v : ch) use(v); }); ch.close(); }"));
  EXPECT_FALSE(Never("void sink(csp::chan<int>); void f() { auto ch = csp::make_chan<int>(); sink(ch); }"));
  EXPECT_FALSE(Never("void f(csp::chan<int> ch) { ch.send(1); }"));
}

TEST(LoopsTest, AStreamWhoseProducerNeverReturnsIsEndless) {
  auto Endless = [](llvm::StringRef Code) {
    Fixture X(Code);
    ClosingFacts C(*X.A.Model);
    const ChannelInfo *Info = C.neverClosed(cast<ValueDecl>(X.decl("ch")));
    return Info && C.endless(Info);
  };
  EXPECT_TRUE(Endless(R"cpp(
    void produce(csp::chan<int> out) { for (;;) out.send(1); }
    void f() { auto ch = csp::make_chan<int>(); csp::go(produce, ch); for (int v : ch) use(v); }
  )cpp"));
  EXPECT_FALSE(Endless(R"cpp(
    void produce(csp::chan<int> out) { for (int i = 0; i < 3; ++i) out.send(i); }
    void f() { auto ch = csp::make_chan<int>(); csp::go(produce, ch); for (int v : ch) use(v); }
  )cpp"));
}

} // namespace
} // namespace clang::tidy::csp
