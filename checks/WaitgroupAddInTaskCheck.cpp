#include "WaitgroupAddInTaskCheck.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

const LambdaCapture *captureOf(const LambdaExpr *L, const ValueDecl *V) {
  for (const LambdaCapture &C : L->captures())
    if (C.capturesVariable() && C.getCapturedVar() == V)
      return &C;
  return nullptr;
}

bool does(const BodyFacts &Facts, Role R, const ValueDecl *Object) {
  return llvm::any_of(Facts.Ops, [&](const Op &O) {
    return O.Kind == R && O.Object == Object;
  });
}

/// A task that starts tasks which call `done` may well `add` for them: the
/// recursive crawler's `wg.add(1); go(crawl, child)` is the right idiom.
bool startsCountedTasks(ConcurrencyModel &Model, const BodyFacts &Facts) {
  return llvm::any_of(Facts.Spawns, [&](const SpawnSite *S) {
    return S->Task &&
           llvm::any_of(Model.factsOf(S->Task.Fn).Ops, [](const Op &O) {
             return O.Kind == Role::WaitGroupDone;
           });
  });
}

/// The statement of a block that \p E is, up to casts, temporaries and
/// parentheses, or the one variable \p E initializes: the place where a
/// statement can be inserted to run right before \p E, and exactly when it
/// runs. A spawn under `?:`, `&&`, `||` or `,`, or among other expressions,
/// may not run (or not first): an add moved before it would then count a
/// task that is never started, and `wait` would hang.
const Stmt *statementInBlock(const ConcurrencyModel &Model, const Expr *E) {
  const Stmt *Node = E;
  for (const Stmt *P = Model.parentOf(E); P; Node = P, P = Model.parentOf(P)) {
    if (isa<CompoundStmt>(P))
      return Node;
    if (const auto *DS = dyn_cast<DeclStmt>(P)) {
      if (!DS->isSingleDecl())
        return nullptr;
      continue;
    }
    if (!isa<ExprWithCleanups, ImplicitCastExpr, ExplicitCastExpr, ParenExpr,
             MaterializeTemporaryExpr, CXXBindTemporaryExpr>(P) &&
        !(isa<CXXConstructExpr>(P) && cast<CXXConstructExpr>(P)->getNumArgs() == 1))
      return nullptr;
  }
  return nullptr;
}

/// A fix-it moves `wg.add(N);` from the start of the task's body to just
/// before the spawn. It is offered only where that cannot change meaning:
/// the add is the body's first statement, its count is a literal, the wait
/// group is a variable the lambda (written at the spawn) captures by
/// reference, and the spawn is a statement of a block.
std::optional<std::pair<FixItHint, FixItHint>>
moveBeforeSpawn(const ConcurrencyModel &Model, const SpawnSite &Spawn,
                const Op &Add) {
  const LambdaExpr *L = Spawn.Task.Lambda;
  const auto *Call = dyn_cast<CXXMemberCallExpr>(Add.Site);
  if (Add.Via || !L || !Spawn.Task.WrittenAtSpawn || !Call)
    return std::nullopt;
  const auto *V = dyn_cast<VarDecl>(Add.Object);
  const LambdaCapture *Capture = V ? captureOf(L, V) : nullptr;
  if (!Capture || Capture->getCaptureKind() != LCK_ByRef ||
      !isa<DeclRefExpr>(Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
    return std::nullopt;
  const auto *Body = dyn_cast<CompoundStmt>(L->getBody());
  if (!Body || Body->body_empty() || Body->body_front() != Add.Site)
    return std::nullopt;
  for (const Expr *Arg : Call->arguments())
    if (!isa<IntegerLiteral>(Arg->IgnoreParenImpCasts()))
      return std::nullopt;
  const Stmt *SpawnStmt = statementInBlock(Model, Spawn.Site);
  if (!SpawnStmt)
    return std::nullopt;

  const SourceManager &SM = Model.astContext().getSourceManager();
  const LangOptions &LO = Model.astContext().getLangOpts();
  SourceLocation AddBegin = Call->getBeginLoc(), AddEnd = Call->getEndLoc();
  SourceLocation SpawnBegin = SpawnStmt->getBeginLoc();
  if (AddBegin.isMacroID() || AddEnd.isMacroID() || SpawnBegin.isMacroID())
    return std::nullopt;
  SourceLocation AfterSemi = Lexer::findLocationAfterToken(
      AddEnd, tok::semi, SM, LO, /*SkipTrailingWhitespaceAndNewLine=*/false);
  if (AfterSemi.isInvalid())
    return std::nullopt;
  StringRef AddText = Lexer::getSourceText(
      CharSourceRange::getTokenRange(Call->getSourceRange()), SM, LO);

  // A statement on its own line goes with its line: remove from the end of
  // the previous line, so that clang's edit merger, which swallows one more
  // whitespace character when a removal is surrounded by whitespace, leaves
  // the next line's indentation alone.
  auto [FID, Offset] = SM.getDecomposedLoc(AddBegin);
  StringRef Buffer = SM.getBufferData(FID);
  StringRef Before = Buffer.substr(0, Offset);
  std::size_t LineStart = Before.find_last_of('\n');
  StringRef After = Buffer.substr(SM.getFileOffset(AfterSemi));
  // A CRLF line's `\r` goes with the removed line, not left on its own.
  std::size_t LineRest = After.find_first_not_of(" \t\r");
  if (LineStart != StringRef::npos &&
      Before.substr(LineStart + 1).find_first_not_of(" \t") == StringRef::npos &&
      LineRest != StringRef::npos && After[LineRest] == '\n') {
    AddBegin = AddBegin.getLocWithOffset(-static_cast<int>(Offset - LineStart));
    AfterSemi = AfterSemi.getLocWithOffset(LineRest);
  }

  // The add gets a line of its own, indented as the spawn and ended as the
  // spawn's line is (CRLF or LF); after another statement on the spawn's
  // line, it goes on that line.
  auto [SpawnFID, SpawnOffset] = SM.getDecomposedLoc(SpawnBegin);
  StringRef SpawnBuffer = SM.getBufferData(SpawnFID);
  StringRef SpawnBefore = SpawnBuffer.substr(0, SpawnOffset);
  StringRef SpawnIndent =
      SpawnBefore.substr(SpawnBefore.find_last_of('\n') + 1);
  std::size_t SpawnLineEnd = SpawnBuffer.find('\n', SpawnOffset);
  StringRef LineEnd = SpawnLineEnd != StringRef::npos && SpawnLineEnd > 0 &&
                              SpawnBuffer[SpawnLineEnd - 1] == '\r'
                          ? "\r\n"
                          : "\n";
  std::string Separator = (LineEnd + SpawnIndent).str();
  if (SpawnIndent.find_first_not_of(" \t") != StringRef::npos)
    Separator = " ";

  return std::make_pair(
      FixItHint::CreateInsertion(SpawnBegin, (AddText + ";" + Separator).str()),
      FixItHint::CreateRemoval(CharSourceRange::getCharRange(AddBegin, AfterSemi)));
}

} // namespace

void WaitgroupAddInTaskCheck::checkModel(ConcurrencyModel &Model) {
  llvm::DenseSet<const Stmt *> Reported;
  for (const SpawnSite &Spawn : Model.spawns()) {
    if (!Spawn.Task)
      continue;
    const BodyFacts &Facts = Model.factsOf(Spawn.Task.Fn);
    if (startsCountedTasks(Model, Facts))
      continue;
    for (const Op &Add : Facts.Ops) {
      if (Add.Kind != Role::WaitGroupAdd ||
          !ConcurrencyModel::sharedWithSpawner(Add.Object, Spawn.Task,
                                               /*ThroughPointers=*/true) ||
          !does(Facts, Role::WaitGroupDone, Add.Object) ||
          !reportable(Model.astContext(), Add.Site->getBeginLoc()) ||
          !Reported.insert(Add.Site).second)
        continue;
      report(Model, Spawn, Add);
    }
  }
}

void WaitgroupAddInTaskCheck::report(ConcurrencyModel &Model,
                                     const SpawnSite &Spawn, const Op &Add) {
  {
    auto D = diag(Add.Site->getBeginLoc(),
                  "wait group '%0' is incremented inside the task it counts; "
                  "'wait' can return before the task has started")
             << Add.Object->getName();
    if (auto Fix = moveBeforeSpawn(Model, Spawn, Add))
      D << Fix->first << Fix->second;
  }
  if (Add.Via)
    diag(Add.Via->getLocation(), "'%0' increments the wait group",
         DiagnosticIDs::Note)
        << displayName(Add.Via);
  diag(Spawn.Site->getBeginLoc(),
       "the task is started here; call 'add' before this point",
       DiagnosticIDs::Note);
}

} // namespace clang::tidy::csp
