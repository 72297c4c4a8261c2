#include "analysis/Tasks.h"

#include "analysis/BodyFlow.h"

#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseSet.h"

namespace clang::tidy::csp {

namespace {

/// Where a task has certainly ended, as the spawner's control flow sees
/// it: CFG elements, and branches (a join loop, `if (t.joinable())`) that
/// end it on every way through.
struct TaskEnd {
  llvm::DenseSet<CFGPosition> At;
  llvm::DenseSet<const Stmt *> Terminators;

  void add(const TaskEnd &O) {
    At.insert(O.At.begin(), O.At.end());
    Terminators.insert(O.Terminators.begin(), O.Terminators.end());
  }
};

/// A spawner's CFG with implicit and temporary destructors: a std::jthread
/// or a std::async future joins its task where it is destroyed, a
/// temporary one at the end of its full expression. The model's CFG has no
/// temporary destructors (they split blocks at every conditional
/// temporary), so this layer builds its own, only for bodies that spawn.
class SpawnerGraph {
public:
  SpawnerGraph(const FunctionDecl *Fn, ASTContext &Ctx, const ConcurrencyModel &Model)
      : Fn(Fn), Model(Model) {
    if (!ConcurrencyModel::cfgBuildable(Fn))
      return;
    CFG::BuildOptions Options;
    Options.AddImplicitDtors = true;
    Options.AddTemporaryDtors = true;
    Options.setAllAlwaysAdd();
    Graph = CFG::buildCFG(Fn, const_cast<Stmt *>(Fn->getBody()), &Ctx, Options);
    if (!Graph)
      return;
    for (const CFGBlock *Block : *Graph) {
      unsigned Index = 0;
      for (const CFGElement &E : *Block) {
        CFGPosition P{Block, Index++};
        if (std::optional<CFGStmt> S = E.getAs<CFGStmt>())
          Where.try_emplace(S->getStmt(), P);
        else if (std::optional<CFGAutomaticObjDtor> D = E.getAs<CFGAutomaticObjDtor>())
          VarDtors[D->getVarDecl()].push_back(P);
        else if (std::optional<CFGTemporaryDtor> T = E.getAs<CFGTemporaryDtor>())
          TempDtors[T->getBindTemporaryExpr()].push_back(P);
      }
      if (const Stmt *T = Block->getTerminatorStmt())
        TerminatorOf.try_emplace(T, CFGPosition{Block, Block->size()});
    }
  }

  explicit operator bool() const { return Graph != nullptr; }

  /// The element that evaluates \p S, or the nearest one containing it.
  std::optional<CFGPosition> pointOf(const Stmt *S) const {
    for (; S; S = Model.parentOf(S)) {
      if (auto It = Where.find(S); It != Where.end())
        return It->second;
      if (S == Fn->getBody())
        break;
    }
    return std::nullopt;
  }

  /// The position of the branch that \p S (a loop, an if) decides.
  std::optional<CFGPosition> terminator(const Stmt *S) const {
    if (auto It = TerminatorOf.find(S); It != TerminatorOf.end())
      return It->second;
    return std::nullopt;
  }

  void endAt(TaskEnd &End, const Stmt *S) const {
    if (std::optional<CFGPosition> P = pointOf(S))
      End.At.insert(*P);
  }
  void endAtDestructorOf(TaskEnd &End, const VarDecl *V) const {
    if (auto It = VarDtors.find(V); It != VarDtors.end())
      End.At.insert(It->second.begin(), It->second.end());
  }
  bool endAtDestructorOf(TaskEnd &End, const CXXBindTemporaryExpr *E) const {
    auto It = TempDtors.find(E);
    if (It == TempDtors.end())
      return false;
    End.At.insert(It->second.begin(), It->second.end());
    return true;
  }

  /// Whether control can go from just after \p From to \p To (to the exit
  /// when null) without passing an end of the task.
  bool reaches(CFGPosition From, const CFGPosition *To, const TaskEnd &End) const {
    return searchCFG(From, [&](CFGPosition P) {
      const auto [Block, Index] = P;
      if (To && P == *To)
        return CFGScan::Found;
      if (Index < Block->size())
        return End.At.contains(P) ? CFGScan::Blocked : CFGScan::Through;
      if (!To && Block == &Graph->getExit())
        return CFGScan::Found;
      const Stmt *T = Block->getTerminatorStmt();
      return T && End.Terminators.contains(T) ? CFGScan::Blocked : CFGScan::Through;
    });
  }

private:
  const FunctionDecl *Fn;
  const ConcurrencyModel &Model;
  std::unique_ptr<CFG> Graph;
  llvm::DenseMap<const Stmt *, CFGPosition> Where;
  llvm::DenseMap<const Stmt *, CFGPosition> TerminatorOf;
  llvm::DenseMap<const VarDecl *, llvm::SmallVector<CFGPosition, 2>> VarDtors;
  llvm::DenseMap<const CXXBindTemporaryExpr *, llvm::SmallVector<CFGPosition, 1>> TempDtors;
};

/// Every member call, and every call argument, of a body (lambdas
/// excluded): where handles are joined, detached or handed on.
class CallIndex : public RecursiveASTVisitor<CallIndex> {
public:
  std::vector<const CXXMemberCallExpr *> MemberCalls;
  std::vector<const CXXOperatorCallExpr *> Assignments;
  /// (argument, call) for arguments of calls and constructions.
  std::vector<std::pair<const Expr *, const Expr *>> Arguments;
  /// Returned values and operands of `&`: a handle there goes to code that
  /// is not followed.
  std::vector<const Expr *> Escaping;

  bool TraverseLambdaExpr(LambdaExpr *) { return true; }
  bool TraverseTypeLoc(TypeLoc) { return true; }
  bool VisitReturnStmt(ReturnStmt *R) {
    if (R->getRetValue())
      Escaping.push_back(R->getRetValue());
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->getOpcode() == UO_AddrOf)
      Escaping.push_back(UO->getSubExpr());
    return true;
  }
  bool VisitCXXMemberCallExpr(CXXMemberCallExpr *MC) {
    MemberCalls.push_back(MC);
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(CE);
        Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2) {
      Assignments.push_back(Op);
      return true;
    }
    if (isa<CXXMemberCallExpr>(CE) || isa<CXXOperatorCallExpr>(CE))
      for (const Expr *Arg : CE->arguments())
        Arguments.emplace_back(Arg, CE);
    else if (const FunctionDecl *FD = CE->getDirectCallee();
             !FD || !FD->isInStdNamespace() || CE->getNumArgs() != 1 ||
             !FD->getReturnType()->isReferenceType()) // not std::move
      for (const Expr *Arg : CE->arguments())
        Arguments.emplace_back(Arg, CE);
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *CE) {
    // Also a move into another handle: `std::thread t2(std::move(t))`.
    for (const Expr *Arg : CE->arguments())
      Arguments.emplace_back(Arg, CE);
    return true;
  }
};

const Expr *ignoreWrappers(const Expr *E) {
  return E ? E->IgnoreImplicit()->IgnoreParens() : nullptr;
}

/// The container whose element \p E is: `c[i]`, `c.at(i)`, or the
/// variable of a range-for over `c`.
const ValueDecl *containerOf(const ConcurrencyModel &Model, const Expr *E,
                             const VarDecl **LoopVar) {
  E = ignoreWrappers(E);
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return ConcurrencyModel::rootObject(AS->getBase());
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E); Op && Op->getOperator() == OO_Subscript)
    return ConcurrencyModel::rootObject(Op->getArg(0));
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E); MC && MC->isLValue())
    return ConcurrencyModel::rootObject(MC->getImplicitObjectArgument());
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
      if (const DeclStmt *DS = Model.declarationOf(V))
        if (const auto *Range = dyn_cast_or_null<CXXForRangeStmt>(Model.parentOf(DS));
            Range && Range->getLoopVariable() == V) {
          *LoopVar = V;
          return ConcurrencyModel::rootObject(Range->getRangeInit());
        }
  return nullptr;
}

/// The variable that \p Init initialises, if it is a declaration's.
const VarDecl *declaredBy(const ConcurrencyModel &Model, const Expr *Init) {
  const Stmt *Node = Init;
  const Stmt *P = Model.parentOf(Node);
  while (P && isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                  ExprWithCleanups, ParenExpr>(P)) {
    Node = P;
    P = Model.parentOf(P);
  }
  const auto *DS = dyn_cast_or_null<DeclStmt>(P);
  if (!DS)
    return nullptr;
  for (const Decl *D : DS->decls())
    if (const auto *V = dyn_cast<VarDecl>(D);
        V && V->getInit() && ignoreWrappers(V->getInit()) == ignoreWrappers(cast<Expr>(Node)))
      return V;
  return nullptr;
}

/// Whether \p Call takes its argument \p Arg by lvalue reference: the
/// callee borrows the handle and cannot take its task away.
bool lends(const Expr *Call, const Expr *Arg) {
  const FunctionDecl *Callee = nullptr;
  llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Call);
  if (const auto *CE = dyn_cast<CallExpr>(Call))
    Callee = CE->getDirectCallee();
  if (!Callee || isa<CXXMethodDecl>(Callee) || ignoreWrappers(Arg)->isXValue())
    return false;
  for (unsigned I = 0; I < Args.size() && I < Callee->getNumParams(); ++I)
    if (Args[I] == Arg) {
      QualType T = Callee->getParamDecl(I)->getType();
      return T->isLValueReferenceType() && !T.getNonReferenceType()->isDependentType();
    }
  return false;
}

/// The object \p D, as the task \p S names it, as its spawner names it: a
/// parameter of the task is the argument bound to it; anything else the
/// task shares with its spawner is itself. Null for an argument that is no
/// object.
const ValueDecl *spawnerObject(const SpawnSite &S, const ValueDecl *D) {
  if (const auto *P = dyn_cast_or_null<ParmVarDecl>(D); P && P->getDeclContext() == S.Task.Fn)
    return P->getFunctionScopeIndex() < S.BoundArgs.size()
               ? ConcurrencyModel::rootObject(S.BoundArgs[P->getFunctionScopeIndex()])
               : nullptr;
  return D;
}

} // namespace

struct TaskLifetimes::Life {
  TaskEnd End;
  /// The handle is detached, or handed to code not followed.
  bool Forever = false;
  bool HandedOn = false;
};

struct TaskLifetimes::Spawner {
  const FunctionDecl *Fn = nullptr;
  std::unique_ptr<SpawnerGraph> Graph;
  CallIndex Calls;
  llvm::SmallVector<const SpawnSite *, 4> Spawns;
  llvm::DenseMap<const SpawnSite *, Life> Lives;
  llvm::DenseMap<const Stmt *, llvm::SmallVector<const SpawnSite *, 2>> Joins;
  /// The wait group waits, and the tasks that call done on their group.
  llvm::DenseMap<const Stmt *, llvm::SmallVector<const SpawnSite *, 2>> Waits;
};

TaskLifetimes::TaskLifetimes(ConcurrencyModel &Model) : Model(Model) {
  for (const SpawnSite &S : Model.spawns())
    if (S.Task && S.Spawner) {
      ByTaskFn[S.Task.Fn].push_back(&S);
      BySpawner[S.Spawner].push_back(&S);
    }
}

TaskLifetimes::~TaskLifetimes() = default;

llvm::ArrayRef<const SpawnSite *> TaskLifetimes::spawnsOf(const FunctionDecl *Fn) const {
  auto It = ByTaskFn.find(Fn);
  if (It == ByTaskFn.end())
    return {};
  return It->second;
}

TaskLifetimes::Spawner &TaskLifetimes::spawner(const FunctionDecl *Fn) {
  std::unique_ptr<Spawner> &Info = Spawners[Fn];
  if (!Info) {
    Info = std::make_unique<Spawner>();
    Info->Fn = Fn;
    Info->Graph = std::make_unique<SpawnerGraph>(Fn, Model.astContext(), Model);
    Info->Spawns = BySpawner.lookup(Fn);
    Info->Calls.TraverseStmt(const_cast<Stmt *>(Fn->getBody()));
    computeEnds(*Info);
  }
  return *Info;
}

TaskLifetimes::Life &TaskLifetimes::life(const SpawnSite &S) {
  return spawner(S.Spawner).Lives[&S];
}

void TaskLifetimes::computeEnds(Spawner &Info) {
  const SpawnerGraph &G = *Info.Graph;
  if (!G)
    return;
  const ApiRoles &Roles = Model.roles();
  auto RoleOn = [&](const CXXMemberCallExpr *MC) {
    // The object as written, not the base its method is declared in.
    const Expr *Object = roleObject(MC);
    return Object ? Roles.roleOf(MC->getMethodDecl(), Object->getType()) : Role::None;
  };
  // The joins some task's handle accounts for.
  llvm::DenseSet<const Stmt *> Mine;
  // The objects that hold some task: their joins in helpers are that
  // task's.
  llvm::DenseMap<const ValueDecl *, llvm::SmallVector<const SpawnSite *, 2>> Holders;

  for (const SpawnSite *SP : Info.Spawns) {
    const SpawnSite &S = *SP;
    Life &T = Info.Lives[SP];
    // Ends through the handle; dropped if the handle is detached.
    TaskEnd HandleEnd;

    // A join on an element or handle ends the task; inside a loop over the
    // elements, or under `if (t.joinable())`, the whole loop or if does.
    auto EndAtJoin = [&](const CXXMemberCallExpr *Call, const ValueDecl *Root, bool Element) {
      Mine.insert(Call);
      Info.Joins[Call].push_back(SP);
      const Stmt *Barrier = Call, *Child = Call;
      for (const Stmt *P = Model.parentOf(Child); P; Child = P, P = Model.parentOf(P)) {
        // The expression or declaration around the join (`sum += f.get()`,
        // `int n = f.get();`) runs it whenever it runs, unless the join is
        // an operand that may be skipped.
        if (const auto *BO = dyn_cast<BinaryOperator>(P); BO && BO->isLogicalOp())
          break;
        if (isa<AbstractConditionalOperator, LambdaExpr>(P))
          break;
        if (isa<CompoundStmt, Expr, DeclStmt>(P))
          continue;
        if (const auto *If = dyn_cast<IfStmt>(P)) {
          // In the condition it runs on both branches; `if (t.joinable())`
          // around it joins on the branch the handle holds a thread.
          if (Child != If->getCond() && !mentions(If->getCond(), Root))
            break;
          Barrier = If;
          continue;
        }
        if (const auto *Range = dyn_cast<CXXForRangeStmt>(P)) {
          if (Child != Range->getBody() || Range->getLoopVariable() != Root)
            break;
          Barrier = Range;
          continue;
        }
        if (Element && isa<ForStmt, WhileStmt>(P)) {
          Barrier = P;
          continue;
        }
        break;
      }
      if (Barrier == Call)
        G.endAt(HandleEnd, Call);
      else
        HandleEnd.Terminators.insert(Barrier);
    };

    const ValueDecl *Handle = nullptr, *Container = nullptr, *Group = nullptr;
    const auto *Site = cast<Expr>(S.Site);
    bool Follow = !Site->getType()->isVoidType();
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Site)) {
      const Expr *Object = MC->getImplicitObjectArgument();
      if (isSpawn(Roles.roleOf(MC->getDirectCallee()))) {
        // errgroup::go, a pool's submit: the object's wait ends it, and so
        // does the future it may return.
        Group = ConcurrencyModel::rootObject(Object);
      } else {
        Container = ConcurrencyModel::rootObject(Object); // emplace_back
        Follow = false;
      }
      if (!Group && !Container && !Follow)
        T.Forever = true;
    }
    if (Follow) {
      // A handle: a thread, or std::async's future. Follow it to where it
      // is kept.
      const Stmt *Node = Site;
      const CXXBindTemporaryExpr *Temp = nullptr;
      const Stmt *P = Model.parentOf(Node);
      for (; P; Node = P, P = Model.parentOf(P)) {
        if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(P); Bind && !Temp)
          Temp = Bind;
        const auto *Construct = dyn_cast<CXXConstructExpr>(P);
        const auto *Cast = dyn_cast<ExplicitCastExpr>(P);
        if (isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
                ExprWithCleanups, ParenExpr, CXXFunctionalCastExpr>(P) ||
            (Construct && Construct->getNumArgs() == 1 && !isa<CXXTemporaryObjectExpr>(Construct)) ||
            (Cast && Cast->getType()->isVoidType()))
          continue;
        break;
      }
      auto EndAtFullExpression = [&] {
        if (!Temp || !G.endAtDestructorOf(HandleEnd, Temp))
          G.endAt(HandleEnd, Node);
      };
      if (!P) {
        T.Forever = true;
      } else if (const auto *DS = dyn_cast<DeclStmt>(P)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D);
              V && V->getInit() &&
              ignoreWrappers(V->getInit()) == ignoreWrappers(cast<Expr>(Node)))
            Handle = V;
        if (!Handle && DS->isSingleDecl())
          Handle = dyn_cast<VarDecl>(DS->getSingleDecl());
        if (!Handle)
          T.Forever = true;
      } else if (const auto *ME = dyn_cast<MemberExpr>(P)) {
        const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(Model.parentOf(ME));
        Role R = Call ? RoleOn(Call) : Role::None;
        if (R == Role::TaskDetach) {
          T.Forever = true;
        } else if (R == Role::TaskJoin) {
          Mine.insert(Call);
          Info.Joins[Call].push_back(SP);
          G.endAt(HandleEnd, Call);
        } else {
          EndAtFullExpression();
        }
      } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P);
                 Op && Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
                 Op->getArg(1) == Node) {
        const Expr *Target = ignoreWrappers(Op->getArg(0));
        const VarDecl *Unused = nullptr;
        if (const ValueDecl *C = containerOf(Model, Target, &Unused); C && !isa<DeclRefExpr>(Target))
          Container = C;
        else if (isa<DeclRefExpr, MemberExpr>(Target))
          Handle = ConcurrencyModel::rootObject(Target);
        if (!Container && !Handle)
          T.Forever = true;
      } else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(P)) {
        // `futures.push_back(std::async(...))`.
        Container = ConcurrencyModel::rootObject(Call->getImplicitObjectArgument());
        if (!Container)
          T.Forever = true;
      } else if (isa<Expr, ReturnStmt>(P)) {
        T.Forever = T.HandedOn = true; // handed to code not followed
      } else if (!Group) {
        EndAtFullExpression(); // a discarded temporary
      }
    }

    // The handle's joins and destructor end the task; a detach means it
    // runs on; moved into another handle, the task goes with it.
    const Stmt *CameBy = nullptr; // the move that put the task in Handle
    for (unsigned Hop = 0; Handle && Hop < 4; ++Hop) {
      Holders[Handle].push_back(SP);
      const ValueDecl *Next = nullptr;
      const Stmt *NextBy = nullptr;
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls) {
        const Expr *Object = MC->getImplicitObjectArgument();
        if (ConcurrencyModel::rootObject(Object) != Handle ||
            !isa<DeclRefExpr, MemberExpr>(ignoreWrappers(Object)))
          continue;
        Role R = RoleOn(MC);
        if (R == Role::TaskDetach)
          T.Forever = true;
        else if (R == Role::TaskJoin)
          EndAtJoin(MC, Handle, /*Element=*/false);
      }
      for (const CXXOperatorCallExpr *Op : Info.Calls.Assignments) {
        const Expr *Target = ignoreWrappers(Op->getArg(0));
        if (!isa<DeclRefExpr, MemberExpr>(Target) || Model.isWithin(Site, Op) || Op == CameBy)
          continue;
        // Assigning to the handle ends the task it held (a join, a
        // blocking future, or std::terminate).
        if (ConcurrencyModel::rootObject(Target) == Handle)
          G.endAt(HandleEnd, Op);
        else if (ConcurrencyModel::rootObject(Op->getArg(1)) == Handle) {
          Next = ConcurrencyModel::rootObject(Target);
          NextBy = Op;
        }
      }
      for (auto [Arg, Call] : Info.Calls.Arguments) {
        if (ConcurrencyModel::rootObject(Arg) != Handle || Model.isWithin(Site, Call))
          continue;
        if (const auto *Construct = dyn_cast<CXXConstructExpr>(Call))
          if (const VarDecl *V = declaredBy(Model, Construct)) {
            Next = V; // `std::thread t2(std::move(t))`
            continue;
          }
        // Lent to a helper (a helper's join is seen below).
        if (lends(Call, Arg))
          continue;
        // `threads.push_back(std::move(t))`, or handed on.
        const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
        const ValueDecl *C =
            MC ? ConcurrencyModel::rootObject(MC->getImplicitObjectArgument()) : nullptr;
        if (C && C != Handle)
          Container = C;
        else
          T.Forever = T.HandedOn = true;
      }
      for (const Expr *E : Info.Calls.Escaping)
        if (ConcurrencyModel::rootObject(E) == Handle)
          T.Forever = T.HandedOn = true;
      if (const auto *V = dyn_cast<VarDecl>(Handle); !Next && !Container && V && V->hasLocalStorage())
        G.endAtDestructorOf(HandleEnd, V);
      Handle = Next != Handle ? Next : nullptr;
      CameBy = NextBy;
    }
    if (Container) {
      Holders[Container].push_back(SP);
      if (const auto *V = dyn_cast<VarDecl>(Container); V && V->hasLocalStorage())
        G.endAtDestructorOf(HandleEnd, V);
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls) {
        const VarDecl *LoopVar = nullptr;
        if (containerOf(Model, MC->getImplicitObjectArgument(), &LoopVar) != Container ||
            RoleOn(MC) != Role::TaskJoin)
          continue;
        EndAtJoin(MC, LoopVar, /*Element=*/!LoopVar);
      }
      // Emptying the container destroys its handles, as its destructor
      // does: `threads.clear()`, `threads = std::vector<std::jthread>()`.
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls)
        if (const CXXMethodDecl *M = MC->getMethodDecl();
            M && M->getIdentifier() && M->getName() == "clear" &&
            ConcurrencyModel::rootObject(MC->getImplicitObjectArgument()) == Container &&
            isa<DeclRefExpr, MemberExpr>(ignoreWrappers(MC->getImplicitObjectArgument())))
          G.endAt(HandleEnd, MC);
      for (const CXXOperatorCallExpr *Op : Info.Calls.Assignments)
        if (const Expr *Target = ignoreWrappers(Op->getArg(0));
            isa<DeclRefExpr, MemberExpr>(Target) &&
            ConcurrencyModel::rootObject(Target) == Container && !Model.isWithin(Site, Op))
          G.endAt(HandleEnd, Op);
    }
    if (Group) {
      Holders[Group].push_back(SP);
      for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls)
        if (ConcurrencyModel::rootObject(MC->getImplicitObjectArgument()) == Group &&
            RoleOn(MC) == Role::TaskJoin)
          EndAtJoin(MC, Group, /*Element=*/false);
    }

    if (!T.Forever)
      T.End.add(HandleEnd);

    // A wait on a wait group the task calls done on; a receive from a
    // channel the task sends on or closes.
    const BodyFacts &TaskFacts = Model.factsOf(S.Task.Fn);
    const BodyFacts &SpawnerFacts = Model.factsOf(S.Spawner);
    for (const Op &Theirs : TaskFacts.Ops) {
      const ValueDecl *Object = spawnerObject(S, Theirs.Object);
      if (!Object)
        continue;
      bool Done = Theirs.Kind == Role::WaitGroupDone;
      bool Signals = Theirs.Kind == Role::ChannelSend || isClose(Theirs.Kind);
      if (!Done && !Signals)
        continue;
      for (const Op &Here : SpawnerFacts.Ops) {
        if (Done && Here.Kind == Role::WaitGroupWait && Here.Object == Object) {
          G.endAt(T.End, Here.Site);
          if (!llvm::is_contained(Info.Waits[Here.Site], SP))
            Info.Waits[Here.Site].push_back(SP);
        }
        if (Signals && isReceive(Here.Kind) &&
            (Model.sameChannel(Here.Object, Theirs.Object) || Model.sameChannel(Here.Object, Object))) {
          if (isa<CXXForRangeStmt>(Here.Site)) {
            T.End.Terminators.insert(Here.Site);
            continue;
          }
          G.endAt(T.End, Here.Site);
          // A loop of receives after the spawn (`for (i < n) out.recv();`)
          // takes what the tasks send; the path that runs it no time is the
          // CFG's, not the program's, so the loop ends them too.
          if (const Stmt *Loop = Model.enclosingLoop(Here.Site, S.Spawner);
              Loop && !Model.isWithin(S.Site, Loop))
            T.End.Terminators.insert(Loop);
        }
      }
    }
    // A wait group the task names but is not seen calling done on (a
    // guard's destructor does, Go's `defer wg.Done()`): its wait is taken
    // to count the task too.
    for (const Op &Here : SpawnerFacts.Ops) {
      if (Here.Kind != Role::WaitGroupWait || !Here.Object ||
          llvm::any_of(TaskFacts.Ops, [&](const Op &O) {
            return O.Kind == Role::WaitGroupDone && spawnerObject(S, O.Object) == Here.Object;
          }))
        continue;
      if (mentions(S.Task.Fn->getBody(), Here.Object) ||
          llvm::any_of(S.BoundArgs, [&](const Expr *A) { return A && mentions(A, Here.Object); }))
        G.endAt(T.End, Here.Site);
    }
  }

  // A join made in a helper (`joinAll(threads)`) ends the tasks its object
  // holds.
  for (const Op &O : Model.factsOf(Info.Fn).Ops) {
    if (O.Kind != Role::TaskJoin || !O.Via || !O.Object)
      continue;
    auto It = Holders.find(O.Object);
    if (It == Holders.end())
      continue;
    Mine.insert(O.Site);
    for (const SpawnSite *SP : It->second) {
      Info.Joins[O.Site].push_back(SP);
      G.endAt(Info.Lives[SP].End, O.Site);
    }
  }

  // A helper that joins each element of the container it is lent
  // (`join_all(threads)`, with `for (auto &t : ts) t.join();`): the call
  // ends the tasks the container holds.
  for (auto [Arg, Call] : Info.Calls.Arguments) {
    auto It = Holders.find(ConcurrencyModel::rootObject(Arg));
    const auto *CE = dyn_cast<CallExpr>(Call);
    const FunctionDecl *Callee = CE ? CE->getDirectCallee() : nullptr;
    const FunctionDecl *Def = Callee ? Callee->getDefinition() : nullptr;
    if (It == Holders.end() || !Def || !lends(Call, Arg))
      continue;
    llvm::ArrayRef<const Expr *> Args = ConcurrencyModel::explicitArgs(Call);
    const auto *At = llvm::find(Args, Arg);
    if (At == Args.end() || unsigned(At - Args.begin()) >= Def->getNumParams())
      continue;
    const ParmVarDecl *Param = Def->getParamDecl(At - Args.begin());
    CallIndex Inner;
    Inner.TraverseStmt(const_cast<Stmt *>(Def->getBody()));
    if (llvm::none_of(Inner.MemberCalls, [&](const CXXMemberCallExpr *MC) {
          const VarDecl *LoopVar = nullptr;
          return RoleOn(MC) == Role::TaskJoin &&
                 containerOf(Model, MC->getImplicitObjectArgument(), &LoopVar) == Param;
        }))
      continue;
    Mine.insert(Call);
    for (const SpawnSite *SP : It->second) {
      Info.Joins[Call].push_back(SP);
      G.endAt(Info.Lives[SP].End, Call);
    }
  }

  // A join or wait that is no task's own (a promise's future, a latch):
  // the spawner may be waiting for any of its tasks there.
  for (const CXXMemberCallExpr *MC : Info.Calls.MemberCalls)
    if (!Mine.contains(MC) && RoleOn(MC) == Role::TaskJoin)
      for (const SpawnSite *SP : Info.Spawns)
        G.endAt(Info.Lives[SP].End, MC);
}

bool TaskLifetimes::mayRunAt(const SpawnSite &S, const Stmt *At) {
  if (!S.Task || !S.Spawner)
    return false;
  Spawner &Info = spawner(S.Spawner);
  const SpawnerGraph &G = *Info.Graph;
  if (!G)
    return false;
  std::optional<CFGPosition> From = G.pointOf(S.Site);
  if (!From)
    return false;
  const TaskEnd &End = Info.Lives[&S].End;
  if (!At)
    return G.reaches(*From, nullptr, End);
  std::optional<CFGPosition> To = G.pointOf(At);
  return To && G.reaches(*From, &*To, End);
}

bool TaskLifetimes::outlivesIteration(const SpawnSite &S, const Stmt *Loop) {
  if (!S.Task || !S.Spawner)
    return false;
  Spawner &Info = spawner(S.Spawner);
  const SpawnerGraph &G = *Info.Graph;
  std::optional<CFGPosition> From = G ? G.pointOf(S.Site) : std::nullopt;
  // Every iteration, and the loop's exit, goes through the branch that
  // decides whether to go on.
  std::optional<CFGPosition> Next = G ? G.terminator(Loop) : std::nullopt;
  if (!From || !Next)
    return true;
  return G.reaches(*From, &*Next, Info.Lives[&S].End);
}

bool TaskLifetimes::handedOn(const SpawnSite &S) {
  return S.Task && S.Spawner && life(S).HandedOn;
}

bool TaskLifetimes::startedByRepeatedTask(const SpawnSite &S) {
  return llvm::any_of(spawnsOf(S.Spawner),
                      [&](const SpawnSite *Outer) { return runsRepeatedly(*Outer); });
}

bool TaskLifetimes::runsRepeatedly(const SpawnSite &S) {
  auto [It, Inserted] = Repeats.try_emplace(&S, 0);
  if (!Inserted)
    return It->second == 2;
  bool Result = restartsWhileRunning(S) || startedByRepeatedTask(S);
  Repeats[&S] = Result ? 2 : 1;
  return Result;
}

bool TaskLifetimes::awaitsBefore(const SpawnSite &S, const Stmt *At,
                                 llvm::ArrayRef<const SpawnSite *> Givers, bool BySpawner) {
  if (!S.Task)
    return false;
  const FunctionDecl *Fn = S.Task.Fn;
  const BodyCFG &G = Model.flowGraphOf(Fn);
  const Stmt *To = place(Model, Fn, At, &G).Anchor;
  if (!To)
    return true; // not in the task's CFG: order unknown, assume it waits
  // Whether \p Theirs, named \p Given in the spawner, signals \p Wait.
  auto Answers = [&](const Op &Wait, const ValueDecl *Object, const Op &Theirs,
                     const ValueDecl *Given) {
    if (!Given)
      return false;
    if (Wait.Kind == Role::WaitGroupWait)
      return Theirs.Kind == Role::WaitGroupDone && Given == Object;
    return (Theirs.Kind == Role::ChannelSend || isClose(Theirs.Kind)) &&
           Model.sameChannel(Given, Object);
  };
  auto Signalled = [&](const Op &Wait, const ValueDecl *Object) {
    if (BySpawner && llvm::any_of(Model.factsOf(S.Spawner).Ops, [&](const Op &Theirs) {
          return Answers(Wait, Object, Theirs, Theirs.Object);
        }))
      return true;
    return llvm::any_of(Givers, [&](const SpawnSite *T) {
      return T->Task && llvm::any_of(Model.factsOf(T->Task.Fn).Ops, [&](const Op &Theirs) {
               return Answers(Wait, Object, Theirs, spawnerObject(*T, Theirs.Object));
             });
    });
  };
  for (const Op &O : Model.factsOf(Fn).Ops) {
    bool Waits = O.Kind == Role::WaitGroupWait || O.Kind == Role::TaskJoin;
    if (!Waits && !isReceive(O.Kind))
      continue;
    const Stmt *Anchor = place(Model, Fn, O.Site, &G).Anchor;
    if (!Anchor || (Anchor != To && !G.reaches(Anchor, To)))
      continue;
    const ValueDecl *Object = spawnerObject(S, O.Object);
    if (!Object || O.Kind == Role::TaskJoin || Signalled(O, Object))
      return true;
  }
  return false;
}

bool TaskLifetimes::mayOverlap(const SpawnSite &A, const SpawnSite &B) {
  if (A.Spawner == B.Spawner)
    return mayRunAt(A, B.Site) || mayRunAt(B, A.Site);
  if (B.Spawner == A.Task.Fn || A.Spawner == B.Task.Fn)
    return false;
  return !handedOn(A) && !handedOn(B) && outlivesSpawner(A) && outlivesSpawner(B);
}

bool TaskLifetimes::freshPerIteration(const ValueDecl *V, const SpawnSite &S) const {
  const FunctionDecl *Spawner = S.Spawner;
  if (!V || !Spawner || !ConcurrencyModel::declaredWithin(V, Spawner))
    return false;
  const Stmt *Decl = Model.declarationOf(V);
  for (const Stmt *P = Model.parentOf(S.Site); P && P != Spawner->getBody(); P = Model.parentOf(P)) {
    const Stmt *Body = nullptr;
    if (const auto *Range = dyn_cast<CXXForRangeStmt>(P)) {
      if (Range->getLoopVariable() == V)
        return true;
      Body = Range->getBody();
    } else if (const auto *For = dyn_cast<ForStmt>(P)) {
      Body = For->getBody();
    } else if (const auto *While = dyn_cast<WhileStmt>(P)) {
      Body = While->getBody();
    } else if (const auto *Do = dyn_cast<DoStmt>(P)) {
      Body = Do->getBody();
    }
    if (Body && Decl && Model.isWithin(Decl, Body))
      return true;
  }
  return false;
}

llvm::ArrayRef<const SpawnSite *> TaskLifetimes::joinedBy(const FunctionDecl *Body,
                                                          const Stmt *JoinSite) {
  // A body that starts no task has no handles to join: spare its CFG.
  if (!BySpawner.count(Body))
    return {};
  const Spawner &Info = spawner(Body);
  auto It = Info.Joins.find(JoinSite);
  if (It == Info.Joins.end())
    return {};
  return It->second;
}

llvm::SmallVector<const SpawnSite *, 4> TaskLifetimes::waitedFor(const FunctionDecl *Body,
                                                                 const Stmt *Site) {
  llvm::SmallVector<const SpawnSite *, 4> Result(joinedBy(Body, Site));
  if (!BySpawner.count(Body))
    return Result;
  for (const SpawnSite *SP : spawner(Body).Waits.lookup(Site))
    if (!llvm::is_contained(Result, SP))
      Result.push_back(SP);
  return Result;
}

} // namespace clang::tidy::csp
