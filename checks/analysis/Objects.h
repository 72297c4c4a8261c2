//===--- Objects.h - which object an expression denotes -------------------===//
//
// One identity for objects, shared by every check: an object is a root (a
// variable, or the object a member function runs on) and the path of
// members taken from it: `wg`, `this->jobs_`, `p->wg`, `s.out.buf`. The same
// member of two different objects is two objects.
//
// Pointers and references are looked through (`p->wg` and `(*p).wg` and, for
// `Pool &p`, `p.wg` are the path p.wg; `&pool` is pool): the analysis asks
// what an operation touches, not how it got there.
//
// And one translation across calls and spawns: what a callee or a task does
// to its parameters, to `this`, or to an init-capture is mapped into its
// caller's or spawner's frame by translate().
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_OBJECTS_H
#define CSP_TIDY_ANALYSIS_OBJECTS_H

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/DenseMapInfo.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace clang::tidy::csp {

class ObjectPath {
public:
  enum class RootKind : unsigned char { None, Variable, This };

  ObjectPath() = default;
  static ObjectPath variable(const VarDecl *V);
  /// The object a member function runs on.
  static ObjectPath thisObject();

  RootKind rootKind() const { return Kind; }
  /// The root variable, for a Variable root.
  const VarDecl *root() const { return Root; }
  llvm::ArrayRef<const FieldDecl *> members() const { return Members; }
  explicit operator bool() const { return Kind != RootKind::None; }

  /// The declaration named last: the innermost member, else the root
  /// variable; null for `this` itself.
  const ValueDecl *decl() const;
  ObjectPath member(const FieldDecl *F) const;
  /// This path with \p Suffix's members appended (Suffix's root ignored).
  ObjectPath append(llvm::ArrayRef<const FieldDecl *> Suffix) const;
  /// Whether this object is \p Prefix or a member (of a member...) of it.
  bool startsWith(const ObjectPath &Prefix) const;
  /// Whether one is a part of the other: touching one may touch the other.
  bool overlaps(const ObjectPath &Other) const {
    return startsWith(Other) || Other.startsWith(*this);
  }
  /// As the source would spell it: `wg`, `this->jobs_`, `s.out`.
  std::string spelling() const;

  bool operator==(const ObjectPath &O) const {
    return Kind == O.Kind && Root == O.Root && Members == O.Members;
  }
  bool operator!=(const ObjectPath &O) const { return !(*this == O); }
  llvm::hash_code hash() const;

private:
  friend struct llvm::DenseMapInfo<ObjectPath>;
  RootKind Kind = RootKind::None;
  const VarDecl *Root = nullptr;
  llvm::SmallVector<const FieldDecl *, 2> Members;
};

/// The object \p E denotes: `wg`, `*p`, `p->wg`, `&wg`, `this->wg_`,
/// `std::ref(wg)`, `std::move(ch)`, a copy or converting view of a handle
/// (`send_chan<int> out = ch`), a smart pointer's `*`/`->`. An empty path
/// when it is anything else (a call's result, arithmetic). A reference
/// variable bound to an object denotes it (`auto &q = pool.jobs` is
/// pool.jobs), except the variable of a range-for, which denotes each
/// element in turn.
ObjectPath objectOf(const Expr *E);

/// How an expression reaches the object objectOf() names: the path looks
/// through pointers, so `p` and `*p` are one path; an access tells them
/// apart by this.
struct Reach {
  /// The root is dereferenced before any member is taken: `*p`, `p->n`,
  /// `(*p).n`, a smart pointer's `*`/`->`; the object is in what the root
  /// points to (`this->n` is not: `this` is the object).
  bool ThroughRoot = false;
  /// A pointer held in a member, or a pointee's pointer, is dereferenced:
  /// `s.p->n`, `**pp`.
  bool ThroughMember = false;
  /// The expression is the address of the object (`&x`), not the object.
  bool Address = false;
  /// Whether the object is within the root's own storage.
  bool direct() const { return !ThroughRoot && !ThroughMember && !Address; }
};

/// objectOf(), and how \p E reaches that object.
ObjectPath objectOf(const Expr *E, Reach &How);

/// The object the pointer (or smart pointer) \p E points to, and how E
/// reaches it: for `&x`, x directly; for `p`, p's path through its root.
ObjectPath pointeeOf(const Expr *E, Reach &How);

/// The object a call with a role acts on: a member call's object (as
/// written, before any implicit cast to a base class), a member
/// operator's first operand; a free function (free operators included) takes
/// its object first.
const Expr *roleObject(const CallExpr *CE);

/// Whether \p S names \p D anywhere inside it: a variable by a reference,
/// a member by a member access on any object. Coarse on purpose, for "may
/// this code touch D at all" questions; objectOf tells which object.
bool mentions(const Stmt *S, const ValueDecl *D);

/// std::move, std::forward, std::ref and std::cref pass their argument on.
bool isTransparentStdFunction(const FunctionDecl *FD);

/// How a function's frame is entered: by a call or by a spawn.
struct Binding {
  /// The function whose objects are translated (a callee, a task's
  /// function or lambda call operator).
  const FunctionDecl *Fn = nullptr;
  /// The expressions given to Fn's parameters, by index; null where the
  /// caller gives none (a default argument, std::jthread's stop token).
  llvm::SmallVector<const Expr *, 4> Args;
  /// The object a member function runs on, as the caller names it.
  const Expr *Object = nullptr;
  /// The object is copied into the frame (a function object started as a
  /// task by value).
  bool ObjectCopied = false;
  /// The frame is a task's: the spawn copies each argument into it, so a
  /// reference parameter refers to the copy unless the argument is wrapped
  /// in std::ref or std::cref.
  bool ArgsCopied = false;
};

struct Translated {
  ObjectPath Path;
  /// What the callee touches is a copy of the caller's object (a by-value
  /// parameter, a by-value capture), not the object itself. A copy of a
  /// channel handle is still the same channel; a copy of a counter is not.
  bool Copy = false;
  /// translateAccess: how the caller's Path reaches the object.
  Reach How;
};

/// \p Inner, an object as \p B.Fn's body names it, as the caller or spawner
/// names it; nullopt when it is Fn's own (a local variable) or has no name
/// in the caller (an argument that is not an object).
std::optional<Translated> translate(const ObjectPath &Inner, const Binding &B);

/// translate() for an access to the object \p Inner that \p How reaches:
/// the object touched, not the handle. Copy says that it is the frame's own
/// copy (the root is copied — a by-value parameter, a pointer included, a
/// by-value capture, `[*this]`, a spawn's argument not wrapped in std::ref —
/// and reached directly); a copied pointer still points to the caller's
/// object. The result's How is how the caller's Path reaches it (`&x` bound
/// to `int *p` and `*p` touched: x, directly).
std::optional<Translated> translateAccess(const ObjectPath &Inner, Reach How, const Binding &B);

/// The binding of a call: its callee's definition when it has one, the
/// arguments (a member operator's object is not one) and the object.
Binding callBinding(const CallExpr *CE);

} // namespace clang::tidy::csp

namespace llvm {
template <> struct DenseMapInfo<clang::tidy::csp::ObjectPath> {
  using ObjectPath = clang::tidy::csp::ObjectPath;
  static ObjectPath getEmptyKey() {
    ObjectPath P;
    P.Root = DenseMapInfo<const clang::VarDecl *>::getEmptyKey();
    return P;
  }
  static ObjectPath getTombstoneKey() {
    ObjectPath P;
    P.Root = DenseMapInfo<const clang::VarDecl *>::getTombstoneKey();
    return P;
  }
  static unsigned getHashValue(const ObjectPath &P) { return P.hash(); }
  static bool isEqual(const ObjectPath &A, const ObjectPath &B) { return A == B; }
};
} // namespace llvm

#endif
