//===--- RoleNames.h - role option names a translation unit shows wrong ---===//
//
// A role option names functions and types by their qualified names; a name
// that matches nothing silently turns the role off, and with it the
// findings. No one translation unit can say that a name exists nowhere (the
// API may be declared in headers it does not include), but one that uses
// the API can say that a name is wrong:
//   - the name's class is defined in the unit, and neither it nor a base
//     declares a member of that name (`::demo::Mailbox::clos`);
//   - the unit declares no such name, but a function (or, for a type
//     option, a class) whose name is a near miss of it, and the unit uses
//     some of the configured names (`::demo::Mailbox::clsoe`, `::dmeo::spawn`).
// Only the names a user configured are looked at: a default names the csp
// runtime, the standard library and Boost at once, and most units use one.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_ROLENAMES_H
#define CSP_TIDY_ANALYSIS_ROLENAMES_H

#include "analysis/ApiRoles.h"

#include "clang/AST/ASTContext.h"

#include <string>
#include <vector>

namespace clang::tidy::csp {

/// One message per configured name of \p Roles that \p Ctx's translation
/// unit shows to be wrong, naming the option, the name, the unit's main
/// file and, when there is one, the near miss it may have meant.
std::vector<std::string> misnamedRoles(const ApiRoles &Roles, ASTContext &Ctx);

} // namespace clang::tidy::csp

#endif
