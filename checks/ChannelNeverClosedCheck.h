//===--- ChannelNeverClosedCheck.h - csp-channel-never-closed -----------------------===//

#ifndef CSP_TIDY_CHANNELNEVERCLOSEDCHECK_H
#define CSP_TIDY_CHANNELNEVERCLOSEDCHECK_H

#include "CspCheckBase.h"

namespace clang::tidy::csp {

/// Finds a range loop over a channel that no code closes. The loop ends only
/// when the channel is closed, so its task blocks forever: a leak, or a
/// deadlock once everyone waits for it.
///
/// For the user-facing documentation see docs/checks/channel-never-closed.md.
class ChannelNeverClosedCheck : public CspCheck {
public:
  using CspCheck::CspCheck;

protected:
  void checkModel(ConcurrencyModel &Model) override;
};

} // namespace clang::tidy::csp

#endif
