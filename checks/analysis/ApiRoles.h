//===--- ApiRoles.h - which functions play which concurrency role --------===//
//
// The checks never test for a spelling such as `csp::go` or `wg.add`: they ask
// for the role a callee plays (spawn, wait-group add, channel close, ...).
// The mapping from fully qualified function names to roles comes from the
// checks' options, whose defaults describe the csp runtime and the standard
// library; users add their own APIs in .clang-tidy.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_APIROLES_H
#define CSP_TIDY_ANALYSIS_APIROLES_H

#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <string>
#include <vector>

namespace clang::tidy::csp {

enum class Role {
  None,
  /// Starts a task that runs its callable argument concurrently: csp::go,
  /// std::thread's constructor, std::async, errgroup::go.
  Spawn,
  /// Starts a task that interleaves with the others only where one of them
  /// suspends (a channel operation, a yield): Boost.Fiber's fibers on their
  /// default scheduler. Between suspension points nothing else runs, so
  /// plain shared variables do not race.
  SpawnCooperative,
  WaitGroupAdd,
  WaitGroupDone,
  WaitGroupWait,
  /// Creates a channel: csp::make_chan.
  MakeChannel,
  ChannelSend,
  /// A receive whose result says nothing about a closed channel: `recv()`.
  ChannelReceive,
  /// A receive that reports a closed channel in its result: `recv_ok()`,
  /// Boost.Fiber's `pop(v)` (a channel_op_status). Called for its side
  /// effect only, with the result dropped, it is a ChannelReceive.
  ChannelReceiveWithStatus,
  /// A receive that throws on a closed channel: Boost.Fiber's `value_pop()`.
  /// Treated as a receive with status; dropping its value drops no status.
  ChannelReceiveThrowing,
  /// Closes a channel; a second close panics and so does a later send.
  ChannelClose,
  /// Closes a channel where closing again does nothing and a later send
  /// fails with a status instead of crashing: Boost.Fiber's `close()`.
  ChannelCloseIdempotent,
  /// `csp::recv_case(ch, handler)`: a receive whose kind depends on the
  /// handler: (T, bool) reports closing, (T) does not, () uses no value.
  SelectReceiveCase,
  /// `csp::send_case(ch, value, handler)`.
  SelectSendCase,
  /// Locks a mutex until a matching unlock: std::mutex::lock.
  MutexLock,
  /// Locks a mutex when it returns true: std::mutex::try_lock (also on an
  /// RAII lock, std::unique_lock::try_lock).
  MutexTryLock,
  /// Releases a mutex, or the one an RAII lock holds: std::mutex::unlock,
  /// std::unique_lock::unlock.
  MutexUnlock,
  /// Called on a task's handle (or on anything its spawner waits on), returns
  /// once the task has ended: std::thread::join, std::future::get.
  TaskJoin,
  /// Called on a task's handle, lets the task run on unowned:
  /// std::thread::detach.
  TaskDetach,
  /// Not a function's role but an operation's: a range-for over a channel.
  ChannelRange,
};

inline bool isSpawn(Role R) { return R == Role::Spawn || R == Role::SpawnCooperative; }

/// Whether an operation of this kind closes its channel, safely or not.
inline bool isClose(Role R) {
  return R == Role::ChannelClose || R == Role::ChannelCloseIdempotent;
}

/// Whether an operation of this kind receives from its channel.
inline bool isReceive(Role R) {
  return R == Role::ChannelReceive || R == Role::ChannelReceiveWithStatus ||
         R == Role::ChannelRange;
}

/// Roles of types rather than functions.
enum class TypeRole {
  None,
  /// A channel: ranging over it receives until it is closed. A channel type
  /// that can be neither copied nor moved (Boost.Fiber's) is the channel
  /// itself, and declaring one makes a channel; any other (csp::chan) is a
  /// handle.
  Channel,
  /// An RAII lock: while one is alive in a scope, its mutex is held.
  ScopedLock,
  /// A task's handle whose destructor waits for the task: std::jthread,
  /// the std::future that std::async returns.
  JoiningHandle,
  /// A view of a channel that can only receive (csp::recv_chan, Go's
  /// `<-chan T`) or only send (csp::send_chan, `chan<- T`). Kept apart from
  /// the types' Channel role: a view is a channel too.
  ReceiveOnlyView,
  SendOnlyView,
};

/// One option per role: the option's name, its default value (a
/// semicolon-separated list of qualified names) and the role it defines.
struct RoleOption {
  const char *Name;
  const char *Default;
  Role R;
  TypeRole T = TypeRole::None;
};

/// The options that define roles, with their defaults. Constructors are named
/// like `::std::thread::thread`; an option defines either a function role or
/// a type role.
llvm::ArrayRef<RoleOption> roleOptions();

class ApiRoles {
public:
  /// Returns the value of the option \p Name, or \p Default.
  using OptionLookup =
      llvm::function_ref<std::string(llvm::StringRef Name, llvm::StringRef Default)>;

  explicit ApiRoles(OptionLookup Lookup);

  /// Reads every role option (check-local value first, then the global one),
  /// so that one `CheckOptions` entry configures all csp checks.
  explicit ApiRoles(ClangTidyCheck::OptionsView &Options);

  void storeOptions(ClangTidyOptions::OptionMap &Opts,
                    ClangTidyCheck::OptionsView &Options) const;

  /// The role \p FD plays. Matches template instantiations and methods of
  /// class template specializations by their template's name.
  Role roleOf(const FunctionDecl *FD) const;

  /// The role of calling \p FD on an object of type \p ObjectType: a
  /// member inherited from an implementation base (libstdc++'s
  /// `__basic_future::wait`) is also known by the object's class
  /// (`std::future::wait`).
  Role roleOf(const FunctionDecl *FD, QualType ObjectType) const;

  /// The spawn role of constructing \p RD (std::thread, std::jthread,
  /// boost::fibers::fiber), or Role::None.
  Role spawnRoleOfType(const CXXRecordDecl *RD) const;

  /// The role of a type, looking through references, pointers and
  /// cv-qualifiers; specializations match by their template's name.
  TypeRole roleOf(QualType T) const;

  /// Whether \p T (through references, pointers and cv-qualifiers) is a
  /// receive-only or send-only view of a channel; TypeRole::None otherwise.
  TypeRole directionOf(QualType T) const;

  /// The receive-only view type configured for the channel class \p
  /// Channel: the one declared in the same namespace ("csp::recv_chan" for
  /// csp::chan); empty when there is none.
  std::string receiveOnlyViewFor(const CXXRecordDecl *Channel) const;

  /// A stable identity of the configuration, so that checks configured alike
  /// can share one analysis of the translation unit.
  const std::string &fingerprint() const { return Fingerprint; }

  /// A name the configuration gives a role that no role option's default
  /// holds: one a user wrote, and may have misspelt (RoleNames.h).
  struct ConfiguredName {
    const char *Option;
    std::string Name; // without the leading `::`
    bool IsType;
  };
  llvm::ArrayRef<ConfiguredName> configuredNames() const { return Configured; }

private:
  llvm::StringMap<Role> ByName;
  llvm::StringMap<TypeRole> TypesByName;
  llvm::StringMap<TypeRole> DirectionsByName;
  llvm::StringMap<std::string> RawValues;
  std::string Fingerprint;
  std::vector<ConfiguredName> Configured;
  mutable llvm::DenseMap<const FunctionDecl *, Role> Cache;
  mutable llvm::DenseMap<const CXXRecordDecl *, TypeRole> TypeCache;
  mutable llvm::DenseMap<const CXXRecordDecl *, TypeRole> DirectionCache;
};

/// "ns::Class::method" for \p D, without template arguments and inline
/// namespaces, so that one configured name matches libstdc++ and libc++.
std::string qualifiedNameForRoles(const NamedDecl *D);

/// The names of a `;`-separated option value, without leading `::`.
llvm::SmallVector<llvm::StringRef, 8> splitNameList(llvm::StringRef Value);

/// A check's own option that lists functions by qualified name, read like
/// the role options (check-local value first, then the global one).
class NameListOption {
public:
  NameListOption(ClangTidyCheck::OptionsView &Options, const char *Name, const char *Default);
  void store(ClangTidyOptions::OptionMap &Opts, ClangTidyCheck::OptionsView &Options) const {
    Options.store(Opts, Name, Value);
  }
  bool contains(const NamedDecl *D) const {
    return D && Names.contains(qualifiedNameForRoles(D));
  }

private:
  const char *Name;
  std::string Value;
  llvm::StringSet<> Names;
};

} // namespace clang::tidy::csp

#endif
