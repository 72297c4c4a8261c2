//===--- Drain.h - the values sent on a channel, and what takes them ------===//
//
// For the checks about results nobody takes: a send blocks until a receiver
// takes its value or the buffer has room for it, so tasks that send more
// values than the buffer holds and the receives take leak, and a wait for
// them never returns. This layer counts the three sides for one channel:
//  - the blocking sends of given tasks (or of the body that makes the
//    channel), and how many values they send per run of that body;
//  - the channel's capacity;
//  - the receives: the maker's own (its statements, the lambdas it runs,
//    its helpers), where they run against a point of the maker, how many
//    each path surely takes, and whether any other code receives at all.
//
// Only a channel seen whole qualifies: a local variable of one body, made
// there, handed to no code the analysis does not follow. Counts are those of
// Counts.h: unknown rather than guessed.
//
//===----------------------------------------------------------------------===//

#ifndef CSP_TIDY_ANALYSIS_DRAIN_H
#define CSP_TIDY_ANALYSIS_DRAIN_H

#include "analysis/Counts.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace clang::tidy::csp {

/// A channel one body makes, which no code outside the analysis gets.
struct LocalChannel {
  const ChannelInfo *Info = nullptr;
  /// The local variable it is made as, and the body that declares it.
  const VarDecl *Var = nullptr;
  const FunctionDecl *Maker = nullptr;
  /// The capacity, when it is a constant.
  std::optional<uint64_t> Capacity;
  /// It is made once per run of the maker (not in a loop), so counts per
  /// run of the maker are counts per channel.
  bool Once = false;
  /// The maker returns it (its only way out): its callers get it.
  bool Returned = false;
};

/// The channel \p D denotes, when it is a LocalChannel; with
/// \p AllowReturned, also one the maker returns.
std::optional<LocalChannel> localChannel(ConcurrencyModel &Model, const ValueDecl *D,
                                         bool AllowReturned = false);

/// The calls to \p Fn, in the bodies the model has, whose result is
/// dropped.
llvm::SmallVector<const CallExpr *, 2> droppedCalls(const ConcurrencyModel &Model,
                                                   const FunctionDecl *Fn);

/// Whether an operation can wait forever for the other side (not a
/// `try_push`, nor a send with a deadline).
using BlockingFn = llvm::function_ref<bool(const Op &)>;

/// The default of every check's NonBlockingFunctions option (this layer's,
/// csp-lock-across-channel-op's): the channel operations that give up
/// rather than wait forever.
inline constexpr const char *DrainNonBlockingDefaults =
    "::boost::fibers::buffered_channel::try_push;::boost::fibers::buffered_channel::try_pop;"
    "::boost::fibers::buffered_channel::push_wait_for;"
    "::boost::fibers::buffered_channel::push_wait_until;"
    "::boost::fibers::buffered_channel::pop_wait_for;"
    "::boost::fibers::buffered_channel::pop_wait_until;"
    "::boost::fibers::unbuffered_channel::push_wait_for;"
    "::boost::fibers::unbuffered_channel::push_wait_until;"
    "::boost::fibers::unbuffered_channel::pop_wait_for;"
    "::boost::fibers::unbuffered_channel::pop_wait_until";

/// Whether \p O blocks: it is not a call \p NonBlocking names, nor a helper
/// whose operations of its kind all are.
bool blocksUnless(ConcurrencyModel &Model, const Op &O, const NameListOption &NonBlocking);

/// A blocking send on the channel, as the facts of the body it is in have it.
struct SendSite {
  /// The spawn whose task sends; null for the maker's own send.
  const SpawnSite *Spawn = nullptr;
  const Op *Send = nullptr;
};

struct Sends {
  llvm::SmallVector<SendSite, 2> Sites;
  /// How many values they send per run of the maker, in all.
  Count Total = Count::constant(0);
};

/// The blocking sends on \p C of the tasks \p Spawns start (spawns in C's
/// maker; others are ignored), and of the maker itself when \p Own (those
/// it runs: not in a lambda it only keeps). With
/// \p Signal, a wait on a wait group, a task's send counts only if it can
/// run before the task's `done` on that group. Tasks that send once per
/// value of a range loop over another channel of the maker, the loops that
/// are its only receives, send together as many values as the maker and
/// its tasks send on that channel.
Sends sendsOn(ConcurrencyModel &Model, const LocalChannel &C,
              llvm::ArrayRef<const SpawnSite *> Spawns, BlockingFn Blocks, bool Own = false,
              const Op *Signal = nullptr);

/// The LocalChannels of their spawners that the tasks \p Spawns send on,
/// each once, in the order the sends are met.
llvm::SmallVector<LocalChannel, 2> channelsSentOnBy(ConcurrencyModel &Model,
                                                    llvm::ArrayRef<const SpawnSite *> Spawns);

/// The LocalChannels of their spawners that the tasks \p Spawns receive
/// from, each once, in the order the receives are met.
llvm::SmallVector<LocalChannel, 2> channelsReceivedBy(ConcurrencyModel &Model,
                                                      llvm::ArrayRef<const SpawnSite *> Spawns);

/// Whether \p N is surely more than \p Limit: an exact constant above it.
inline bool surelyMoreThan(const Count &N, uint64_t Limit) {
  return N.K == Count::Kind::Constant && N.Exact && N.Value > Limit;
}

/// The spawns of \p Body, in source order.
llvm::SmallVector<const SpawnSite *, 4> spawnsIn(ConcurrencyModel &Model,
                                                 const FunctionDecl *Body);

/// The receives of a channel.
struct Receives {
  /// The maker's own: operations of its facts (range loops, receives,
  /// select receive cases).
  llvm::SmallVector<const Op *, 4> Own;
  /// Some receive is not the maker's own: another task's, or one the
  /// maker's facts do not account for.
  bool Elsewhere = false;
};

Receives receivesOf(ConcurrencyModel &Model, const LocalChannel &C);

/// Whether the tasks \p Spawns start receive from \p C, and every receive
/// of it that is not the maker's own is theirs (or a helper's they call).
bool receivedOnlyBy(ConcurrencyModel &Model, const LocalChannel &C,
                    llvm::ArrayRef<const SpawnSite *> Spawns);

/// One of \p R's own receives that can run in the maker before control
/// reaches \p At (an operation site of the maker); a receive the maker's CFG
/// cannot place counts as one. Null when there is none.
const Op *receivedBefore(ConcurrencyModel &Model, const LocalChannel &C, const Receives &R,
                         const Stmt *At);

/// One of \p R's own receives that can run after \p At; null when none.
const Op *receivedAfter(ConcurrencyModel &Model, const LocalChannel &C, const Receives &R,
                        const Stmt *At);

/// How many values the maker's own receives surely take per run.
struct Taken {
  /// A range loop or a loop until the close takes whatever is sent.
  bool All = false;
  /// Every path takes at least this many: the blocking receives that run a
  /// known number of times, the select cases not counted; unknown when a
  /// receive's count is not known.
  Count AtLeast = Count::constant(0);
  /// A select receive case outside any loop, in a select with other cases:
  /// when another case is taken, this receive takes nothing.
  const Op *Skippable = nullptr;
};

Taken taken(ConcurrencyModel &Model, const LocalChannel &C, const Receives &R,
            BlockingFn Blocks);

} // namespace clang::tidy::csp

#endif
