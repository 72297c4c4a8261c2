// misnamedRoles: which configured role names a translation unit shows to
// be wrong, and what it suggests instead.
#include "TestSupport.h"
#include "analysis/RoleNames.h"

namespace clang::tidy::csp {
namespace {

// A user's channel and spawn, next to the prelude's stand-ins.
constexpr const char *Mailbox = R"cpp(
namespace demo {
template <class T> class Base { public: void drain(); };
template <class T> class Mailbox : public Base<T> {
public:
  void close(); void put(T); bool take(T &);
  friend Mailbox &operator<<(Mailbox &m, T) { return m; }
};
template <class T, class Other> class Mixed : public Other { public: void put(T); };
template <class F> void spawn(F &&);
}
)cpp";

std::vector<std::string> misnamed(std::map<std::string, std::string> Options,
                                  llvm::StringRef Code = Mailbox) {
  auto AST = tooling::buildASTFromCodeWithArgs((Prelude + Code).str(), {"-std=c++20"},
                                               "main.cpp");
  EXPECT_TRUE(AST);
  ApiRoles Roles([&](llvm::StringRef Name, llvm::StringRef Default) {
    auto It = Options.find(Name.str());
    return It == Options.end() ? Default.str() : It->second;
  });
  return misnamedRoles(Roles, AST->getASTContext());
}

using Messages = std::vector<std::string>;

TEST(RoleNamesTest, DefaultsAreNeverLookedAt) {
  // The defaults name the csp runtime, the standard library and Boost at
  // once: this unit declares none of them, and nothing is said.
  EXPECT_EQ(misnamed({}, "void f();"), Messages{});
}

TEST(RoleNamesTest, NamesTheUnitDeclaresAreSilent) {
  EXPECT_EQ(misnamed({{"ChannelTypes", "::demo::Mailbox"},
                      {"ChannelCloseFunctions", "::demo::Mailbox::close"},
                      {"ChannelSendFunctions", "::demo::Mailbox::put;::demo::operator<<"},
                      // Implicit, and declared in a base.
                      {"MakeChannelFunctions", "::demo::Mailbox::Mailbox"},
                      {"ChannelReceiveFunctions", "::demo::Mailbox::drain"},
                      {"SpawnFunctions", "::demo::spawn;::std::thread::thread"}}),
            Messages{});
}

TEST(RoleNamesTest, AMemberTheClassLacksIsWrong) {
  EXPECT_EQ(misnamed({{"ChannelCloseFunctions", "::csp::chan::close;::demo::Mailbox::clos"}}),
            (Messages{"role option 'ChannelCloseFunctions' names '::demo::Mailbox::clos', "
                      "which 'main.cpp' does not declare; did you mean "
                      "'::demo::Mailbox::close'?"}));
  EXPECT_EQ(misnamed({{"ChannelCloseFunctions", "::demo::Mailbox::shut_down"}}),
            (Messages{"role option 'ChannelCloseFunctions' names "
                      "'::demo::Mailbox::shut_down', which 'main.cpp' does not declare: "
                      "class '::demo::Mailbox' has no member 'shut_down'"}));
  // A base that is a template parameter may declare anything.
  EXPECT_EQ(misnamed({{"ChannelCloseFunctions", "::demo::Mixed::shut_down"}}), Messages{});
}

TEST(RoleNamesTest, ANearMissIsSuggestedWhereTheUnitUsesTheConfiguredNames) {
  EXPECT_EQ(misnamed({{"ChannelTypes", "::demo::Mailbx"},
                      {"SpawnFunctions", "::dmeo::spawn;::std::thread::thread"},
                      {"ChannelCloseFunctions", "::demo::Mailbox::close"}}),
            (Messages{"role option 'SpawnFunctions' names '::dmeo::spawn', which "
                      "'main.cpp' does not declare; did you mean '::demo::spawn'?",
                      "role option 'ChannelTypes' names '::demo::Mailbx', which "
                      "'main.cpp' does not declare; did you mean '::demo::Mailbox'?"}));
  // A type option is not given a function, nor the other way round.
  EXPECT_EQ(misnamed({{"ChannelTypes", "::demo::spawm"},
                      {"ChannelCloseFunctions", "::demo::Mailbox::close"}}),
            Messages{});
}

TEST(RoleNamesTest, AUnitThatUsesNoneOfTheNamesIsSilent) {
  // Another unit may include the header that declares them.
  EXPECT_EQ(misnamed({{"ChannelTypes", "::mylib::Queue"},
                      {"ChannelCloseFunctions", "::mylib::Queue::close"}}),
            Messages{});
  // A look-alike in a unit that uses nothing configured is another API.
  EXPECT_EQ(misnamed({{"SpawnFunctions", "::demo::spwan"}}), Messages{});
}

} // namespace
} // namespace clang::tidy::csp
