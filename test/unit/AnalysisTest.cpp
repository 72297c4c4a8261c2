// Unit tests of the shared analysis: role lookup by qualified name, the
// callables a spawn resolves to, and helper summaries.
#include "TestSupport.h"
#include "analysis/ConcurrencyModel.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"

namespace clang::tidy::csp {
namespace {

TEST(ApiRolesTest, MatchesTemplatesAndInlineNamespacesByName) {
  Analysed A = analyse(R"cpp(
    void f(csp::chan<int> c, csp::wait_group &wg) {
      c.send(1);
      wg.add(1);
      std::thread t([] {});
    }
  )cpp");
  EXPECT_EQ(A.Model->spawns().size(), 1u);
  const BodyFacts &F = A.Model->factsOf(function(A.AST->getASTContext(), "f"));
  ASSERT_EQ(F.Ops.size(), 2u);
  EXPECT_EQ(F.Ops[0].Kind, Role::ChannelSend) << "a method of chan<int>";
  EXPECT_EQ(F.Ops[0].Object->getName(), "c");
  EXPECT_EQ(F.Ops[1].Kind, Role::WaitGroupAdd);
  EXPECT_EQ(F.Ops[1].Object->getName(), "wg");
  ASSERT_EQ(F.Spawns.size(), 1u);
}

TEST(ApiRolesTest, OptionsReplaceTheDefaults) {
  ApiRoles Roles([](llvm::StringRef Name, llvm::StringRef Default) {
    return Name == "WaitGroupAddFunctions" ? std::string("::proj::latch::arrive")
                                           : Default.str();
  });
  EXPECT_NE(Roles.fingerprint(), defaultRoles().fingerprint());
}

TEST(ConcurrencyModelTest, ResolvesEveryKindOfTask) {
  Analysed A = analyse(R"cpp(
    void worker(csp::wait_group *wg, int id);
    struct Pool { void work(); void start() { std::thread t(&Pool::work, this); } };
    struct Job { void operator()() const {} };
    void f(csp::wait_group &wg) {
      auto kept = [&] { wg.done(); };
      csp::go([] {});
      csp::go(kept);
      csp::go(worker, &wg, 3);
      csp::go(Job{});
      std::vector<std::thread> threads;
      threads.emplace_back([] {});
    }
  )cpp");
  const auto &Spawns = A.Model->spawns();
  ASSERT_EQ(Spawns.size(), 6u);
  EXPECT_EQ(Spawns[0].Task.Fn->getName(), "work");
  EXPECT_EQ(Spawns[0].BoundArgs.size(), 0u) << "the object is not an argument";
  EXPECT_TRUE(Spawns[1].Task.Lambda && Spawns[1].Task.WrittenAtSpawn);
  EXPECT_TRUE(Spawns[2].Task.Lambda && !Spawns[2].Task.WrittenAtSpawn);
  EXPECT_EQ(Spawns[3].Task.Fn->getName(), "worker");
  EXPECT_EQ(Spawns[3].BoundArgs.size(), 2u);
  EXPECT_EQ(Spawns[4].Task.Fn->getOverloadedOperator(), OO_Call);
  EXPECT_TRUE(Spawns[5].Task.Lambda);

  // The lambda kept in a variable is a task: its done() is not f's.
  const BodyFacts &F = A.Model->factsOf(function(A.AST->getASTContext(), "f"));
  EXPECT_TRUE(F.Ops.empty());
  EXPECT_EQ(F.Spawns.size(), 5u);
}

TEST(ConcurrencyModelTest, HelpersActOnTheCallersArguments) {
  Analysed A = analyse(R"cpp(
    void enroll(int unused, csp::wait_group &group) { group.add(1); }
    void release(csp::wait_group *group) { group->done(); }
    void twice(csp::wait_group &g) { enroll(0, g); release(&g); }
    void f() {
      csp::wait_group mine;
      twice(mine);
    }
  )cpp");
  const BodyFacts &F = A.Model->factsOf(function(A.AST->getASTContext(), "f"));
  ASSERT_EQ(F.Ops.size(), 2u);
  EXPECT_EQ(F.Ops[0].Kind, Role::WaitGroupAdd);
  EXPECT_EQ(F.Ops[1].Kind, Role::WaitGroupDone);
  for (const Op &O : F.Ops) {
    EXPECT_EQ(O.Object->getName(), "mine");
    EXPECT_EQ(O.Via->getName(), O.Kind == Role::WaitGroupAdd ? "enroll" : "release");
  }
}

TEST(ConcurrencyModelTest, UsesOfAFunctionTellCallsFromOtherReferences) {
  Analysed A = analyse(R"cpp(
    void work(int n);
    void direct() { work(1); }
    void handed() { csp::go(work, 2); }
    void pointer() { void (*p)(int) = &work; p(3); }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  auto Uses = A.Model->usesOf(function(Ctx, "work"));
  std::map<std::string, std::vector<bool>> ByBody;
  for (const ConcurrencyModel::FunctionUse &U : Uses)
    ByBody[U.Body->getNameAsString()].push_back(U.Direct);
  // The name a call is written with is part of that call, not another use.
  EXPECT_EQ(ByBody["direct"], std::vector<bool>{true});
  EXPECT_EQ(ByBody["handed"], std::vector<bool>{false});
  EXPECT_EQ(ByBody["pointer"], std::vector<bool>{false});
}

TEST(ConcurrencyModelTest, RecursionTerminates) {
  Analysed A = analyse(R"cpp(
    void walk(int depth, csp::wait_group &wg) {
      if (depth > 0) walk(depth - 1, wg);
      wg.done();
    }
  )cpp");
  const BodyFacts &F = A.Model->factsOf(function(A.AST->getASTContext(), "walk"));
  ASSERT_EQ(F.Ops.size(), 1u);
  EXPECT_EQ(F.Ops[0].Kind, Role::WaitGroupDone);
}

const ValueDecl *variable(ASTContext &Ctx, llvm::StringRef Name) {
  const ValueDecl *Found = nullptr;
  struct Finder : RecursiveASTVisitor<Finder> {
    llvm::StringRef Name;
    const ValueDecl *&Found;
    Finder(llvm::StringRef N, const ValueDecl *&F) : Name(N), Found(F) {}
    bool VisitVarDecl(VarDecl *V) {
      if (V->getName() == Name)
        Found = V;
      return true;
    }
  } F(Name, Found);
  F.TraverseAST(Ctx);
  return Found;
}

TEST(ConcurrencyModelTest, FollowsAChannelThroughParametersAndViews) {
  Analysed A = analyse(R"cpp(
    void consume(csp::recv_chan<int> in) { for (int v : in) {} }
    void produce(csp::chan<int> out) { out.send(1); out.close(); }
    void hidden(csp::chan<int>);
    void f() {
      auto jobs = csp::make_chan<int>();
      csp::go(consume, jobs);
      produce(jobs);
      auto other = csp::make_chan<int>();
      hidden(other);
    }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  const ValueDecl *Jobs = variable(Ctx, "jobs");
  const ValueDecl *In = variable(Ctx, "in");
  const ValueDecl *Out = variable(Ctx, "out");
  EXPECT_TRUE(A.Model->sameChannel(Jobs, In)) << "bound by the spawn, as a view";
  EXPECT_TRUE(A.Model->sameChannel(Jobs, Out)) << "passed to a helper";
  const ChannelInfo *Info = A.Model->channel(Jobs);
  ASSERT_TRUE(Info);
  EXPECT_TRUE(Info->MadeAt);
  EXPECT_FALSE(Info->Escapes);
  std::vector<Role> Kinds;
  for (const PlacedOp *P : Info->Ops)
    Kinds.push_back(P->Operation.Kind);
  EXPECT_EQ(Kinds, (std::vector<Role>{Role::ChannelRange, Role::ChannelSend,
                                      Role::ChannelClose}));
  EXPECT_TRUE(A.Model->channel(variable(Ctx, "other"))->Escapes);
  EXPECT_FALSE(A.Model->channel(variable(Ctx, "other"))->OnlyReturned);
  EXPECT_FALSE(A.Model->sameChannel(Jobs, variable(Ctx, "other")));
}

TEST(ModelTest, AChannelThatOnlyAReturnLetsOutIsOnlyReturned) {
  Analysed A = analyse(R"cpp(
    void hidden(csp::chan<int>);
    csp::chan<int> made() { auto fresh = csp::make_chan<int>(); return fresh; }
    csp::chan<int> both() { auto shown = csp::make_chan<int>(); hidden(shown); return shown; }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  const ChannelInfo *Fresh = A.Model->channel(variable(Ctx, "fresh"));
  ASSERT_TRUE(Fresh);
  EXPECT_TRUE(Fresh->Escapes);
  EXPECT_TRUE(Fresh->OnlyReturned);
  const ChannelInfo *Shown = A.Model->channel(variable(Ctx, "shown"));
  ASSERT_TRUE(Shown);
  EXPECT_TRUE(Shown->Escapes);
  EXPECT_FALSE(Shown->OnlyReturned);
}

TEST(ConcurrencyModelTest, SelectCasesAreReceivesByTheirHandler) {
  Analysed A = analyse(R"cpp(
    void f(csp::chan<int> c) {
      csp::recv_case(c, [](int v) {});
      csp::recv_case(c, [](int v, bool ok) {});
      csp::recv_case(c, [] {});
    }
  )cpp");
  const BodyFacts &F = A.Model->factsOf(function(A.AST->getASTContext(), "f"));
  ASSERT_EQ(F.Ops.size(), 3u);
  EXPECT_EQ(F.Ops[0].Kind, Role::ChannelReceive);
  EXPECT_EQ(F.Ops[1].Kind, Role::ChannelReceiveWithStatus);
  EXPECT_EQ(F.Ops[2].Kind, Role::ChannelReceiveWithStatus);
}

TEST(ConcurrencyModelTest, PathsAndLoopsComeFromTheCFG) {
  Analysed A = analyse(R"cpp(
    void f(csp::chan<int> c, bool b) {
      if (b) { c.close(); return; }
      c.close();
      for (int i = 0; i < 2; ++i) c.send(i);
    }
  )cpp");
  const FunctionDecl *F = function(A.AST->getASTContext(), "f");
  const BodyFacts &Facts = A.Model->factsOf(F);
  ASSERT_EQ(Facts.Ops.size(), 3u);
  const Stmt *First = Facts.Ops[0].Site, *Second = Facts.Ops[1].Site,
             *Send = Facts.Ops[2].Site;
  EXPECT_FALSE(A.Model->canReach(F, First, Second)) << "close, then return";
  EXPECT_TRUE(A.Model->canReach(F, Second, Send));
  EXPECT_FALSE(A.Model->canReach(F, Second, Second));
  EXPECT_TRUE(A.Model->canReach(F, Send, Send)) << "a loop runs it again";
  EXPECT_TRUE(A.Model->enclosingLoop(Send, F));
  EXPECT_FALSE(A.Model->enclosingLoop(Second, F));
}

TEST(ConcurrencyModelTest, SummariesStayLinearInTheCallDepth) {
  // Each helper calls the next twice: a summary that copied its callee's
  // operations per call would hold 2^24 of them at the top.
  std::string Code = "void h24(csp::wait_group &wg) { wg.done(); }\n";
  for (int I = 23; I >= 0; --I)
    Code += "void h" + std::to_string(I) + "(csp::wait_group &wg) { h" + std::to_string(I + 1) +
            "(wg); h" + std::to_string(I + 1) + "(wg); }\n";
  Analysed A = analyse(Code);
  const BodyFacts &Top = A.Model->factsOf(function(A.AST->getASTContext(), "h0"));
  ASSERT_EQ(Top.Ops.size(), 2u) << "one operation per call, not per path";
  EXPECT_EQ(Top.Ops[0].Kind, Role::WaitGroupDone);
  EXPECT_EQ(Top.Ops[0].Path.spelling(), "wg");
  EXPECT_EQ(Top.Ops[0].Via->getName(), "h24");
}

TEST(ConcurrencyModelTest, ADependentThreadInitializerIsNoTask) {
  // The pattern's `std::thread t(f)` has a dependent initializer, and
  // `return t;` moves a thread rather than starting one; function
  // templates are not analysed as instantiated.
  Analysed A = analyse(R"cpp(
    template <class Fn> std::thread launch(Fn &&f) { std::thread t(f); return t; }
    void g() { auto w = [] {}; std::thread t = launch(w); }
  )cpp");
  EXPECT_TRUE(A.Model->spawns().empty());
}

TEST(ConcurrencyModelTest, ALambdaHandedToAnUnresolvedCallIsNotTheHelpers) {
  // As written, the template's `csp::go(...)` is a dependent call: its
  // lambda may run in a task, so its wait is not closeWhenDone's. g's call
  // is summarized from the instantiation, which the model does not walk
  // for spawns: the lambda handed to the spawn is not g's either. The
  // immediately invoked lambda runs in the template itself.
  Analysed A = analyse(R"cpp(
    template <class T> void closeWhenDone(csp::wait_group &wg, T ch) {
      csp::go([&wg, ch] { wg.wait(); });
      [&wg] { wg.done(); }();
    }
    void g() { csp::wait_group wg; closeWhenDone(wg, 1); }
  )cpp");
  ASTContext &Ctx = A.AST->getASTContext();
  const FunctionDecl *Helper = nullptr;
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (const auto *T = dyn_cast<FunctionTemplateDecl>(D))
      Helper = T->getTemplatedDecl();
  ASSERT_TRUE(Helper);
  const BodyFacts &H = A.Model->factsOf(Helper);
  ASSERT_EQ(H.Ops.size(), 1u);
  EXPECT_EQ(H.Ops[0].Kind, Role::WaitGroupDone);
  for (const Op &O : A.Model->factsOf(function(Ctx, "g")).Ops)
    EXPECT_NE(O.Kind, Role::WaitGroupWait);
}

TEST(ConcurrencyModelTest, AClassTemplatesMembersAreAnalysedAsInstantiated) {
  Analysed A = analyse(R"cpp(
    template <class T> struct Pool {
      csp::wait_group wg;
      void start() { csp::go([this] { wg.add(1); }); }
    };
    template <class T> struct Unused { void start() { csp::go([] {}); } };
    void g() { Pool<int> p; p.start(); }
  )cpp");
  ASSERT_EQ(A.Model->spawns().size(), 1u);
  const SpawnSite &S = A.Model->spawns()[0];
  ASSERT_TRUE(S.Task);
  const BodyFacts &Task = A.Model->factsOf(S.Task.Fn);
  ASSERT_EQ(Task.Ops.size(), 1u);
  EXPECT_EQ(Task.Ops[0].Kind, Role::WaitGroupAdd);
}

} // namespace
} // namespace clang::tidy::csp
