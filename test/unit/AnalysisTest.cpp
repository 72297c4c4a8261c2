// Unit tests of the shared analysis: role lookup by qualified name, the
// callables a spawn resolves to, and helper summaries.
#include "analysis/ConcurrencyModel.h"

#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"

namespace clang::tidy::csp {
namespace {

// Stand-ins for the APIs, declared here so the tests need no system headers;
// libc++'s inline namespace shows that it does not change a role's name.
constexpr const char *Prelude = R"cpp(
namespace csp {
class wait_group { public: void add(int); void done(); void wait(); };
template <class F, class... A> void go(F &&f, A &&...a) {}
template <class T> class chan { public: void send(T) const; };
}
namespace std { inline namespace __1 {
class thread { public: template <class F, class... A> explicit thread(F &&, A &&...) {} };
template <class T> class vector { public: template <class... A> void emplace_back(A &&...) {} };
} }
)cpp";

ApiRoles defaultRoles() {
  return ApiRoles([](llvm::StringRef, llvm::StringRef Default) { return Default.str(); });
}

struct Analysed {
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<ConcurrencyModel> Model;
};

Analysed analyse(llvm::StringRef Code) {
  Analysed A;
  A.AST = tooling::buildASTFromCodeWithArgs((Prelude + Code).str(), {"-std=c++20"});
  EXPECT_TRUE(A.AST);
  EXPECT_FALSE(A.AST->getDiagnostics().hasErrorOccurred());
  A.Model = std::make_unique<ConcurrencyModel>(A.AST->getASTContext(), defaultRoles());
  return A;
}

const FunctionDecl *function(ASTContext &Ctx, llvm::StringRef Name) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (const auto *FD = dyn_cast<FunctionDecl>(D); FD && FD->getName() == Name)
      return FD;
  return nullptr;
}

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
  ASSERT_EQ(F.Ops.size(), 1u);
  EXPECT_EQ(F.Ops[0].Kind, Role::WaitGroupAdd);
  EXPECT_EQ(F.Ops[0].Object->getName(), "wg");
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

} // namespace
} // namespace clang::tidy::csp
