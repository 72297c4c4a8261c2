#include "analysis/ApiRoles.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace clang::tidy::csp {

llvm::ArrayRef<RoleOption> roleOptions() {
  static const RoleOption Options[] = {
      {"SpawnFunctions",
       "::csp::go;::csp::errgroup::go;::std::async;::std::thread::thread;"
       "::std::jthread::jthread",
       Role::Spawn},
      {"CooperativeSpawnFunctions", "::boost::fibers::fiber::fiber", Role::SpawnCooperative},
      {"WaitGroupAddFunctions", "::csp::wait_group::add", Role::WaitGroupAdd},
      {"WaitGroupDoneFunctions", "::csp::wait_group::done", Role::WaitGroupDone},
      {"WaitGroupWaitFunctions", "::csp::wait_group::wait", Role::WaitGroupWait},
      {"MakeChannelFunctions", "::csp::make_chan", Role::MakeChannel},
      {"ChannelSendFunctions",
       "::csp::chan::send;::csp::send_chan::send;"
       "::boost::fibers::buffered_channel::push;::boost::fibers::buffered_channel::try_push;"
       "::boost::fibers::buffered_channel::push_wait_for;"
       "::boost::fibers::buffered_channel::push_wait_until;"
       "::boost::fibers::unbuffered_channel::push;"
       "::boost::fibers::unbuffered_channel::push_wait_for;"
       "::boost::fibers::unbuffered_channel::push_wait_until",
       Role::ChannelSend},
      {"ChannelReceiveFunctions", "::csp::chan::recv;::csp::recv_chan::recv",
       Role::ChannelReceive},
      {"ChannelReceiveWithStatusFunctions",
       "::csp::chan::recv_ok;::csp::recv_chan::recv_ok;"
       "::boost::fibers::buffered_channel::pop;::boost::fibers::buffered_channel::try_pop;"
       "::boost::fibers::buffered_channel::pop_wait_for;"
       "::boost::fibers::buffered_channel::pop_wait_until;"
       "::boost::fibers::unbuffered_channel::pop;"
       "::boost::fibers::unbuffered_channel::pop_wait_for;"
       "::boost::fibers::unbuffered_channel::pop_wait_until",
       Role::ChannelReceiveWithStatus},
      {"ChannelReceiveThrowingFunctions",
       "::boost::fibers::buffered_channel::value_pop;"
       "::boost::fibers::unbuffered_channel::value_pop",
       Role::ChannelReceiveThrowing},
      {"ChannelCloseFunctions", "::csp::chan::close;::csp::send_chan::close",
       Role::ChannelClose},
      {"ChannelCloseIdempotentFunctions",
       "::boost::fibers::buffered_channel::close;::boost::fibers::unbuffered_channel::close",
       Role::ChannelCloseIdempotent},
      {"SelectReceiveCaseFunctions", "::csp::recv_case", Role::SelectReceiveCase},
      {"SelectSendCaseFunctions", "::csp::send_case", Role::SelectSendCase},
      {"MutexLockFunctions",
       "::std::mutex::lock;::std::timed_mutex::lock;::std::recursive_mutex::lock;"
       "::std::shared_mutex::lock",
       Role::MutexLock},
      {"MutexTryLockFunctions",
       "::std::mutex::try_lock;::std::timed_mutex::try_lock;::std::timed_mutex::try_lock_for;"
       "::std::timed_mutex::try_lock_until;::std::recursive_mutex::try_lock;"
       "::std::shared_mutex::try_lock;::std::unique_lock::try_lock",
       Role::MutexTryLock},
      {"MutexUnlockFunctions",
       "::std::mutex::unlock;::std::timed_mutex::unlock;::std::recursive_mutex::unlock;"
       "::std::shared_mutex::unlock;::std::unique_lock::unlock",
       Role::MutexUnlock},
      {"JoinFunctions",
       "::std::thread::join;::std::jthread::join;::std::future::get;"
       "::std::future::wait;::std::shared_future::get;::std::shared_future::wait;"
       "::std::latch::wait;::std::latch::arrive_and_wait;"
       "::boost::fibers::fiber::join;::csp::errgroup::wait",
       Role::TaskJoin},
      {"DetachFunctions",
       "::std::thread::detach;::std::jthread::detach;::boost::fibers::fiber::detach",
       Role::TaskDetach},
      {"ChannelTypes",
       "::csp::chan;::csp::send_chan;::csp::recv_chan;::boost::fibers::buffered_channel;"
       "::boost::fibers::unbuffered_channel",
       Role::None, TypeRole::Channel},
      {"ReceiveOnlyChannelTypes", "::csp::recv_chan", Role::None, TypeRole::ReceiveOnlyView},
      {"SendOnlyChannelTypes", "::csp::send_chan", Role::None, TypeRole::SendOnlyView},
      {"ScopedLockTypes",
       "::std::lock_guard;::std::unique_lock;::std::scoped_lock",
       Role::None, TypeRole::ScopedLock},
      {"JoiningHandleTypes", "::std::jthread;::std::future", Role::None,
       TypeRole::JoiningHandle},
  };
  return Options;
}

ApiRoles::ApiRoles(ClangTidyCheck::OptionsView &Options)
    : ApiRoles([&](llvm::StringRef Name, llvm::StringRef Default) {
        return Options.getLocalOrGlobal(Name, Default).str();
      }) {}

/// Every name a role option's default holds.
static const llvm::StringSet<> &defaultNames() {
  static const llvm::StringSet<> Names = [] {
    llvm::StringSet<> All;
    for (const RoleOption &O : roleOptions())
      for (llvm::StringRef Name : splitNameList(O.Default))
        All.insert(Name);
    return All;
  }();
  return Names;
}

ApiRoles::ApiRoles(OptionLookup Lookup) {
  // An option the user set wins over the defaults of the others: naming
  // boost::fibers::fiber in SpawnFunctions takes it out of the default
  // CooperativeSpawnFunctions.
  for (bool Explicit : {false, true})
    for (const RoleOption &O : roleOptions()) {
      std::string Value = Lookup(O.Name, O.Default);
      if ((Value != O.Default) != Explicit)
        continue;
      Fingerprint += O.Name;
      Fingerprint += '=';
      Fingerprint += Value;
      Fingerprint += '\n';
      for (llvm::StringRef Name : splitNameList(Value)) {
        if (O.T == TypeRole::ReceiveOnlyView || O.T == TypeRole::SendOnlyView)
          DirectionsByName[Name] = O.T;
        else if (O.T != TypeRole::None)
          TypesByName[Name] = O.T;
        else
          ByName[Name] = O.R;
        if (Explicit && !defaultNames().contains(Name))
          Configured.push_back({O.Name, Name.str(), O.T != TypeRole::None});
      }
      RawValues[O.Name] = std::move(Value);
    }
}

void ApiRoles::storeOptions(ClangTidyOptions::OptionMap &Opts,
                            ClangTidyCheck::OptionsView &Options) const {
  for (const RoleOption &O : roleOptions())
    Options.store(Opts, O.Name, RawValues.lookup(O.Name));
}

llvm::SmallVector<llvm::StringRef, 8> splitNameList(llvm::StringRef Value) {
  llvm::SmallVector<llvm::StringRef, 8> Parts, Names;
  Value.split(Parts, ';', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Name : Parts) {
    Name = Name.trim();
    Name.consume_front("::");
    if (!Name.empty())
      Names.push_back(Name);
  }
  return Names;
}

NameListOption::NameListOption(ClangTidyCheck::OptionsView &Options, const char *Name,
                               const char *Default)
    : Name(Name), Value(Options.getLocalOrGlobal(Name, Default).str()) {
  for (llvm::StringRef N : splitNameList(Value))
    Names.insert(N);
}

std::string qualifiedNameForRoles(const NamedDecl *D) {
  llvm::SmallVector<std::string, 4> Parts;
  Parts.push_back(D->getDeclName().getAsString());
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent()) {
    if (const auto *NS = dyn_cast<NamespaceDecl>(DC)) {
      if (NS->isInline() || NS->isAnonymousNamespace())
        continue;
      Parts.push_back(NS->getName().str());
    } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
      Parts.push_back(RD->getName().str());
    }
  }
  std::string Result;
  for (auto It = Parts.rbegin(); It != Parts.rend(); ++It) {
    if (!Result.empty())
      Result += "::";
    Result += *It;
  }
  return Result;
}

Role ApiRoles::roleOf(const FunctionDecl *FD) const {
  if (!FD)
    return Role::None;
  FD = FD->getCanonicalDecl();
  auto [It, Inserted] = Cache.try_emplace(FD, Role::None);
  if (Inserted)
    It->second = ByName.lookup(qualifiedNameForRoles(FD));
  return It->second;
}

Role ApiRoles::roleOf(const FunctionDecl *FD, QualType ObjectType) const {
  Role R = roleOf(FD);
  if (R != Role::None || !FD || !FD->getIdentifier() || ObjectType.isNull())
    return R;
  if (const auto *PT = ObjectType->getAs<PointerType>())
    ObjectType = PT->getPointeeType();
  if (const auto *RD = ObjectType->getAsCXXRecordDecl())
    return ByName.lookup(qualifiedNameForRoles(RD) + "::" + FD->getName().str());
  return Role::None;
}

/// The role \p Names gives the class \p T is (or points or refers to),
/// memoised in \p Cache.
static TypeRole typeRoleIn(QualType T, const llvm::StringMap<TypeRole> &Names,
                           llvm::DenseMap<const CXXRecordDecl *, TypeRole> &Cache) {
  if (T.isNull())
    return TypeRole::None;
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  const auto *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return TypeRole::None;
  auto [It, Inserted] = Cache.try_emplace(RD, TypeRole::None);
  if (Inserted)
    It->second = Names.lookup(qualifiedNameForRoles(RD));
  return It->second;
}

TypeRole ApiRoles::roleOf(QualType T) const { return typeRoleIn(T, TypesByName, TypeCache); }

TypeRole ApiRoles::directionOf(QualType T) const {
  return typeRoleIn(T, DirectionsByName, DirectionCache);
}

std::string ApiRoles::receiveOnlyViewFor(const CXXRecordDecl *Channel) const {
  if (!Channel)
    return {};
  auto ScopeOf = [](llvm::StringRef Name) {
    size_t Pos = Name.rfind("::");
    return Pos == llvm::StringRef::npos ? llvm::StringRef() : Name.take_front(Pos);
  };
  std::string Scope = ScopeOf(qualifiedNameForRoles(Channel)).str();
  // The first match in the option's order, so that the answer does not
  // depend on how the map happens to iterate.
  std::string Views = RawValues.lookup("ReceiveOnlyChannelTypes");
  for (llvm::StringRef Name : splitNameList(Views))
    if (ScopeOf(Name) == Scope)
      return Name.str();
  return {};
}

Role ApiRoles::spawnRoleOfType(const CXXRecordDecl *RD) const {
  if (!RD)
    return Role::None;
  // ctors() leaves out constructor templates, and a type may have no other
  // (a user's thread type with only `template <class F> Task(F f)`).
  for (const Decl *D : RD->decls()) {
    if (const auto *Template = dyn_cast<FunctionTemplateDecl>(D))
      D = Template->getTemplatedDecl();
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(D))
      if (Role R = roleOf(Ctor); isSpawn(R))
        return R;
  }
  return Role::None;
}

} // namespace clang::tidy::csp
