// Shared by the analysis unit tests: stand-ins for the APIs, and building
// a model of a small source.
#ifndef CSP_TIDY_TEST_UNIT_TESTSUPPORT_H
#define CSP_TIDY_TEST_UNIT_TESTSUPPORT_H

#include "analysis/ConcurrencyModel.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"

#include <functional>
#include <map>
#include <string>

namespace clang::tidy::csp {
namespace {

// Stand-ins for the APIs, declared here so the tests need no system headers;
// libc++'s inline namespace shows that it does not change a role's name.
inline constexpr const char *Prelude = R"cpp(
namespace csp {
class wait_group { public: void add(int); void done(); void wait(); };
template <class F, class... A> void go(F &&f, A &&...a) {}
template <class T> class recv_chan { public: T recv() const; T *begin() const; T *end() const; };
template <class T> class chan {
public:
  void send(T) const; T recv() const; void close() const;
  T *begin() const; T *end() const;
  operator recv_chan<T>() const;
};
template <class T> chan<T> make_chan(unsigned long capacity = 0);
template <class T, class H> int recv_case(const chan<T> &, H) { return 0; }
}
namespace std { inline namespace __1 {
class thread {
public: thread(); template <class F, class... A> explicit thread(F &&, A &&...) {} thread(thread &&);
  thread &operator=(thread &&); ~thread(); void join(); void detach(); bool joinable() const;
};
class jthread { public: template <class F, class... A> explicit jthread(F &&, A &&...) {} ~jthread(); void request_stop(); };
template <class T> class __basic_future { public: void wait() const; };
template <class T> class future : public __basic_future<T> { public: future(future &&); ~future(); T get(); };
template <class F, class... A> future<void> async(F &&, A &&...);
template <class T> T &&move(T &t) { return static_cast<T &&>(t); }
template <class T> class reference_wrapper { public: reference_wrapper(T &); operator T &() const; };
template <class T> reference_wrapper<T> ref(T &t) { return t; }
class mutex { public: void lock(); void unlock(); bool try_lock(); };
struct defer_lock_t {}; inline constexpr defer_lock_t defer_lock{};
template <class M> class lock_guard { public: explicit lock_guard(M &); ~lock_guard(); };
template <class M> class unique_lock {
public: explicit unique_lock(M &); unique_lock(M &, defer_lock_t); ~unique_lock(); void lock(); void unlock(); bool try_lock();
};
template <class... M> class scoped_lock { public: explicit scoped_lock(M &...); ~scoped_lock(); };
template <class T> class vector {
public: template <class... A> void emplace_back(A &&...) {} void push_back(T &&); T *begin(); T *end(); ~vector();
  void clear(); T &back(); vector &operator=(vector &&);
};
} }
)cpp";

inline ApiRoles defaultRoles() {
  return ApiRoles([](llvm::StringRef, llvm::StringRef Default) { return Default.str(); });
}

struct Analysed {
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<ConcurrencyModel> Model;
};

/// Models \p Code (after the prelude); \p Options replace the defaults of
/// the role options they name.
inline Analysed analyse(llvm::StringRef Code,
                        std::map<std::string, std::string> Options = {}) {
  Analysed A;
  A.AST = tooling::buildASTFromCodeWithArgs((Prelude + Code).str(), {"-std=c++20"});
  EXPECT_TRUE(A.AST);
  EXPECT_FALSE(A.AST->getDiagnostics().hasErrorOccurred());
  A.Model = std::make_unique<ConcurrencyModel>(
      A.AST->getASTContext(),
      ApiRoles([Options](llvm::StringRef Name, llvm::StringRef Default) {
        auto It = Options.find(Name.str());
        return It == Options.end() ? Default.str() : It->second;
      }));
  return A;
}

inline const FunctionDecl *function(ASTContext &Ctx, llvm::StringRef Name) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (const auto *FD = dyn_cast<FunctionDecl>(D); FD && FD->getName() == Name)
      return FD;
  return nullptr;
}

/// The first statement of \p Root, in pre-order, that is a \p T and
/// satisfies \p Pred.
template <class T>
const T *first(const Stmt *Root, std::function<bool(const T *)> Pred = nullptr) {
  llvm::SmallVector<const Stmt *, 32> Work{Root};
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (const auto *Hit = dyn_cast<T>(S); Hit && (!Pred || Pred(Hit)))
      return Hit;
    llvm::SmallVector<const Stmt *, 8> Children(S->children());
    Work.append(Children.rbegin(), Children.rend());
  }
  return nullptr;
}

/// The first call in \p Root to a function or method named \p Name.
inline const CallExpr *callTo(const Stmt *Root, llvm::StringRef Name) {
  return first<CallExpr>(Root, [&](const CallExpr *CE) {
    const FunctionDecl *FD = CE->getDirectCallee();
    return FD && FD->getIdentifier() && FD->getName() == Name;
  });
}

} // namespace
} // namespace clang::tidy::csp

#endif
