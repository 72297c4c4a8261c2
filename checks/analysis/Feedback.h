//===--- Feedback.h - a loop that puts back what it takes -----------------===//
//
// A task that receives from a channel and sends into the same channel is
// either a deliberate requeue or the direction mistake Go's `<-chan T`
// parameters prevent. This layer answers what tells them apart:
//
//  - whether a send waits for a receiver: a blocking call (Drain.h), and
//    not a select case beside other cases (a default makes the select
//    non-blocking; another case is another way on), while a select's only
//    case waits like a plain send;
//  - the loops of a body that only the channel's close can end (or nothing
//    can), that receive from a channel on every iteration and send into the
//    same handle on every iteration with a send that waits, of something
//    other than the value it took: such a loop turns every value it takes
//    into new work in the same channel, so the channel never drains (a
//    pool's loop that gives back the very value it borrowed, a
//    semaphore's that drops the token it takes, or a loop driven by
//    another channel that keeps state in this one, does not);
//  - whether code other than that loop's body, and the helpers it receives
//    through, receives from the channel and could drain it;
//  - the receive-only view type that would make the send fail to compile.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_FEEDBACK_H
#define CSP_TIDY_ANALYSIS_FEEDBACK_H

#include "analysis/Drain.h"

#include <string>
#include <vector>

namespace clang::tidy::csp {

/// Whether \p Case, a select case's call (`csp::send_case(...)`), is an
/// argument of a select that has other arguments too (a default, other
/// cases): the select can go on without it. False for a select's only case
/// and for a case whose select cannot be seen (kept in a variable first).
bool selectHasAlternatives(const ConcurrencyModel &Model, const Stmt *Case);

/// Whether \p Send waits until its value is received: a select case that
/// is its select's only case, or another send \p Blocks says can block
/// (Drain.h's blocksUnless: not a NonBlockingFunctions call); through a
/// helper, when every send of the helper's own does.
bool sendWaits(ConcurrencyModel &Model, const Op &Send, BlockingFn Blocks);

/// A loop that takes a value from a channel and puts one back into it on
/// every iteration.
struct FeedbackLoop {
  const Stmt *Loop = nullptr;
  /// The range-for itself, or the receive in the loop (an element of the
  /// body's facts).
  const Op *Receive = nullptr;
  const Op *Send = nullptr;
};

/// The loops of \p Body that only the close of a channel can end (a
/// range-for over it with no way out, a receive-with-status loop that ends
/// only on `!ok`), or nothing can (no condition, no way out), which receive
/// from that channel on every iteration and send into the same handle, not
/// a receive-only or send-only view, on every iteration (no branch, no
/// `continue`, no maybe-run lambda between) with a send that waits. Not
/// when the receive's value is dropped (a token taken from a semaphore), nor
/// for a send of the very variable received (a resource given back to its
/// pool): neither puts new work into the channel. Nor for a loop that
/// nothing ends which also waits for another channel's value on every
/// iteration: that channel drives it, and each pass puts one value back
/// for the one it took (state in a one-slot channel, a permit pool).
std::vector<FeedbackLoop> feedbackLoops(ConcurrencyModel &Model, const FunctionDecl *Body,
                                        BlockingFn Blocks);

/// Whether code other than \p Body receives from \p Channel and so could
/// drain it: a receive written in another body (not a lambda \p Body runs
/// itself, nor a helper \p Body receives through), or a call from another
/// body to such a helper.
bool receivedElsewhere(ConcurrencyModel &Model, const FunctionDecl *Body,
                       const ValueDecl *Channel);

/// The receive-only view of the channel type \p Channel, spelt for a
/// declaration (`csp::recv_chan<int>` for `csp::chan<int>`); empty when
/// the options name none for its class.
std::string receiveOnlyViewType(const ConcurrencyModel &Model, QualType Channel);

} // namespace clang::tidy::csp

#endif
