#include "analysis/RoleNames.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclFriend.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <optional>

namespace clang::tidy::csp {
namespace {

/// Further than this from every declared name, a name is not a typo of one.
constexpr unsigned MaxDistance = 2;

/// {"demo::Mailbox", "close"} for "demo::Mailbox::close"; the scope of a
/// name at global scope is empty.
std::pair<StringRef, StringRef> scopeAndLast(StringRef Name) {
  size_t Pos = Name.rfind("::");
  if (Pos == StringRef::npos)
    return {"", Name};
  return {Name.take_front(Pos), Name.drop_front(Pos + 2)};
}

/// The last part of \p D's name as role options spell it (a constructor by
/// its class's name, an operator as `operator<<`); \p Buffer holds it when
/// it is not an identifier.
StringRef simpleName(const NamedDecl *D, std::string &Buffer) {
  DeclarationName Name = D->getDeclName();
  if (Name.isIdentifier())
    return Name.getAsIdentifierInfo() ? Name.getAsIdentifierInfo()->getName() : StringRef();
  if (Name.getNameKind() == DeclarationName::CXXDestructorName)
    return {};
  Buffer = Name.getAsString();
  return Buffer;
}

enum class Kind { Function, Type, Other };

Kind kindOf(const NamedDecl *D) {
  if (isa<FunctionDecl, FunctionTemplateDecl>(D))
    return Kind::Function;
  if (isa<RecordDecl, ClassTemplateDecl>(D))
    return Kind::Type;
  return Kind::Other;
}

/// The class \p D defines, itself or as a class template.
const CXXRecordDecl *definedClass(const NamedDecl *D) {
  const auto *RD = dyn_cast<CXXRecordDecl>(D);
  if (const auto *Template = dyn_cast<ClassTemplateDecl>(D))
    RD = Template->getTemplatedDecl();
  return RD && RD->isThisDeclarationADefinition() ? RD : nullptr;
}

/// Calls \p Visit on every declaration at namespace and class scope, where
/// role names are declared; function bodies are not walked.
template <typename Fn> void forEachDecl(const DeclContext *DC, Fn &Visit) {
  for (const Decl *D : DC->decls()) {
    if (const auto *Friend = dyn_cast<FriendDecl>(D)) {
      if (const NamedDecl *Befriended = Friend->getFriendDecl())
        Visit(Befriended);
      continue;
    }
    const auto *ND = dyn_cast<NamedDecl>(D);
    if (!ND) {
      if (isa<LinkageSpecDecl, ExportDecl>(D))
        forEachDecl(cast<DeclContext>(D), Visit);
      continue;
    }
    Visit(ND);
    if (const auto *NS = dyn_cast<NamespaceDecl>(ND))
      forEachDecl(NS, Visit);
    else if (const CXXRecordDecl *RD = definedClass(ND))
      forEachDecl(RD, Visit);
  }
}

/// Whether \p RD or one of its bases declares a member named \p Name; none
/// when a base cannot be known (a template parameter).
std::optional<bool> declaresMember(const CXXRecordDecl *RD, StringRef Name, unsigned Depth = 0) {
  if (Depth > 16)
    return std::nullopt;
  std::string Buffer;
  for (const Decl *D : RD->decls())
    if (const auto *ND = dyn_cast<NamedDecl>(D); ND && simpleName(ND, Buffer) == Name)
      return true;
  bool Unknown = false;
  for (const CXXBaseSpecifier &Base : RD->bases()) {
    const CXXRecordDecl *BaseClass = Base.getType()->getAsCXXRecordDecl();
    if (const auto *Specialization = Base.getType()->getAs<TemplateSpecializationType>();
        !BaseClass && Specialization)
      if (const auto *Template = dyn_cast_or_null<ClassTemplateDecl>(
              Specialization->getTemplateName().getAsTemplateDecl()))
        BaseClass = Template->getTemplatedDecl();
    if (!BaseClass || !BaseClass->getDefinition()) {
      Unknown = true;
      continue;
    }
    std::optional<bool> Declares = declaresMember(BaseClass->getDefinition(), Name, Depth + 1);
    if (Declares.value_or(false))
      return true;
    Unknown |= !Declares;
  }
  if (Unknown)
    return std::nullopt;
  return false;
}

struct Missing {
  const ApiRoles::ConfiguredName *Configured;
  /// The name's class is defined here and has no such member.
  bool ClassLacksIt = false;
  std::string Best; // the nearest declared name, if near enough
  unsigned BestDistance = MaxDistance + 1;
};

} // namespace

std::vector<std::string> misnamedRoles(const ApiRoles &Roles, ASTContext &Ctx) {
  llvm::ArrayRef<ApiRoles::ConfiguredName> Names = Roles.configuredNames();
  if (Names.empty())
    return {};
  // Only declarations whose last name part is one of the names' (or their
  // scopes') get their qualified name computed: the unit declares thousands.
  llvm::StringSet<> Wanted, Scopes;
  for (const ApiRoles::ConfiguredName &N : Names) {
    auto [Scope, Last] = scopeAndLast(N.Name);
    Wanted.insert(Last);
    if (!Scope.empty()) {
      Scopes.insert(Scope);
      Wanted.insert(scopeAndLast(Scope).second);
    }
  }
  llvm::StringSet<> Declared;
  llvm::StringMap<const CXXRecordDecl *> Classes; // the scopes defined here
  std::string Buffer;
  auto Index = [&](const NamedDecl *D) {
    if (!Wanted.contains(simpleName(D, Buffer)))
      return;
    std::string Name = qualifiedNameForRoles(D);
    if (const CXXRecordDecl *RD = definedClass(D); RD && Scopes.contains(Name))
      Classes[Name] = RD;
    Declared.insert(Name);
  };
  const TranslationUnitDecl *TU = Ctx.getTranslationUnitDecl();
  forEachDecl(TU, Index);

  bool UsesConfigured = !Classes.empty();
  std::vector<Missing> Wrong;
  for (const ApiRoles::ConfiguredName &N : Names) {
    if (Declared.contains(N.Name)) {
      UsesConfigured = true;
      continue;
    }
    auto [Scope, Last] = scopeAndLast(N.Name);
    Missing M{&N};
    if (auto It = Classes.find(Scope); It != Classes.end()) {
      // Declared in a base, the name plays its role on the class's objects
      // (ApiRoles::roleOf with the object's type); a base that cannot be
      // known may declare it.
      if (declaresMember(It->second, Last).value_or(true))
        continue;
      M.ClassLacksIt = true;
    }
    Wrong.push_back(std::move(M));
  }
  if (Wrong.empty())
    return {};

  auto NearMiss = [&](const NamedDecl *D) {
    Kind K = kindOf(D);
    if (K == Kind::Other)
      return;
    StringRef Simple = simpleName(D, Buffer);
    std::string Qualified;
    for (Missing &M : Wrong) {
      if ((K == Kind::Type) != M.Configured->IsType)
        continue;
      StringRef Last = scopeAndLast(M.Configured->Name).second;
      if (Simple.size() + MaxDistance < Last.size() || Last.size() + MaxDistance < Simple.size() ||
          Simple.edit_distance(Last, true, MaxDistance) > MaxDistance)
        continue;
      if (Qualified.empty())
        Qualified = qualifiedNameForRoles(D);
      unsigned Distance =
          StringRef(Qualified).edit_distance(M.Configured->Name, true, MaxDistance);
      if (Distance < M.BestDistance) {
        M.Best = Qualified;
        M.BestDistance = Distance;
      }
    }
  };
  forEachDecl(TU, NearMiss);

  const SourceManager &SM = Ctx.getSourceManager();
  OptionalFileEntryRef Main = SM.getFileEntryRefForID(SM.getMainFileID());
  std::string File = Main ? Main->getName().str() : "this translation unit";
  std::vector<std::string> Messages;
  for (const Missing &M : Wrong) {
    std::string Message = "role option '" + std::string(M.Configured->Option) + "' names '::" +
                          M.Configured->Name + "', which '" + File + "' does not declare";
    auto [Scope, Last] = scopeAndLast(M.Configured->Name);
    // A near miss in a unit that uses none of the configured names may be
    // another API that happens to be spelt alike.
    if (!M.Best.empty() && (UsesConfigured || M.ClassLacksIt))
      Messages.push_back(Message + "; did you mean '::" + M.Best + "'?");
    else if (M.ClassLacksIt)
      Messages.push_back(Message + ": class '::" + Scope.str() + "' has no member '" +
                         Last.str() + "'");
  }
  return Messages;
}

} // namespace clang::tidy::csp
