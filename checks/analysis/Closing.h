//===--- Closing.h - whether anything can close a channel ------------------===//
//
// "This channel is never closed" is a claim about all the code that can
// reach it. The layer makes it only for a channel made in this translation
// unit and kept in it: not escaping to code the model does not analyse
// (template instantiations, virtual functions an override elsewhere may
// replace, generic lambdas, members of classes partly defined elsewhere,
// globals other translation units can name), and with no close of any of
// its aliases.
//
// And whether a channel is an endless stream, with no last value to close
// after: its producer never returns (a `[[noreturn]]` body, a send loop
// with no way out), or forwards from such a stream for as long as it lasts.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_CLOSING_H
#define CSP_TIDY_ANALYSIS_CLOSING_H

#include "analysis/ConcurrencyModel.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace clang::tidy::csp {

class ClosingFacts {
public:
  explicit ClosingFacts(ConcurrencyModel &Model) : Model(Model) {}

  /// The channel \p D denotes, when it is made here, kept here and closed
  /// nowhere; null otherwise.
  const ChannelInfo *neverClosed(const ValueDecl *D);

  /// Whether \p Info is an endless stream.
  bool endless(const ChannelInfo *Info);

private:
  ConcurrencyModel &Model;
  /// The channels handed to code the model does not look into, found on
  /// first use.
  std::optional<llvm::SmallVector<const ValueDecl *, 8>> Hidden;
  llvm::DenseMap<const ChannelInfo *, bool> Endless;
};

} // namespace clang::tidy::csp

#endif
