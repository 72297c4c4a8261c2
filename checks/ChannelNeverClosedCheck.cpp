#include "ChannelNeverClosedCheck.h"

#include "clang/AST/RecursiveASTVisitor.h"

namespace clang::tidy::csp {

namespace {

/// Whether the loop body can leave the loop by itself (break, return, goto,
/// throw): then the loop does not depend on the channel being closed.
class FindsExit : public RecursiveASTVisitor<FindsExit> {
public:
  bool Found = false;
  unsigned NestedBreakable = 0;

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool VisitReturnStmt(ReturnStmt *) { return !(Found = true); }
  bool VisitGotoStmt(GotoStmt *) { return !(Found = true); }
  bool VisitCXXThrowExpr(CXXThrowExpr *) { return !(Found = true); }
  bool VisitBreakStmt(BreakStmt *) {
    if (!NestedBreakable)
      Found = true;
    return !Found;
  }
#define NESTED(Kind)                                                           \
  bool Traverse##Kind(Kind *S) {                                               \
    ++NestedBreakable;                                                         \
    bool R = RecursiveASTVisitor::Traverse##Kind(S);                           \
    --NestedBreakable;                                                         \
    return R;                                                                  \
  }
  NESTED(ForStmt)
  NESTED(WhileStmt)
  NESTED(DoStmt)
  NESTED(CXXForRangeStmt)
  NESTED(SwitchStmt)
#undef NESTED
};

bool canLeaveEarly(const CXXForRangeStmt *Loop) {
  FindsExit Finder;
  Finder.TraverseStmt(const_cast<Stmt *>(Loop->getBody()));
  return Finder.Found;
}

} // namespace

void ChannelNeverClosedCheck::checkModel(ConcurrencyModel &Model) {
  for (const PlacedOp &P : Model.operations()) {
    const Op &Range = P.Operation;
    if (Range.Kind != Role::ChannelRange ||
        !reportable(Model.astContext(), Range.Site->getBeginLoc()))
      continue;
    const ChannelInfo *Info = Model.channel(Range.Object);
    // Only a channel made here and kept here can be known never to close.
    if (!Info || !Info->MadeAt || Info->Escapes ||
        llvm::any_of(Info->Ops, [](const PlacedOp *O) {
          return O->Operation.Kind == Role::ChannelClose;
        }) ||
        canLeaveEarly(cast<CXXForRangeStmt>(Range.Site)))
      continue;
    diag(Range.Site->getBeginLoc(),
         "range loop over channel '%0', which is never closed; the loop "
         "never ends and its task blocks forever")
        << Range.Object->getName();
    diag(Info->MadeAt->getBeginLoc(),
         "channel '%0' is made here; close it once the last value is sent",
         DiagnosticIDs::Note)
        << Info->MadeAs->getName();
  }
}

} // namespace clang::tidy::csp
