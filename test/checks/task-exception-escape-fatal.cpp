// RUN: %check_csp_tidy %s csp-task-exception-escape %t -config-file=%S/Inputs/fatal/fatal.clang-tidy

// FatalFunctions: calls that end the program by design are no escaping
// exception, even when they end it by throwing (pygolang's panic("BUG")).

#include <csp/csp.hpp>

#include <stdexcept>
#include <thread>

namespace app {
[[noreturn]] void bug(const char *what) { throw std::logic_error(what); }
void fail(const char *what) { throw std::runtime_error(what); }
} // namespace app

int next();

void invariantInATask() {
  std::thread t([] {
    if (next() < 0)
      app::bug("BUG: negative id");
  });
  t.join();
}

// A helper that only calls the fatal function is silent too.
void check(int v) {
  if (v < 0)
    app::bug("BUG: negative value");
}

void invariantInAHelper() {
  csp::go([] { check(next()); });
}

// Not fatal: an ordinary throwing helper next to the fatal one is reported.
void ordinaryFailure() {
  std::thread t([] {
    if (next() < 0)
      app::bug("BUG");
    app::fail("no more input");
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'fail' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :13:31: note: the exception is thrown here, in 'fail'
    // CHECK-MESSAGES: :[[@LINE-6]]:15: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  });
  t.join();
}

// A task nested deeply: the walk is iterative, not one frame per level.
int deep() {
  int sum = 0;
  std::thread t([&sum] {
    sum = ((((((((((1 + 2) + 3) + 4) + 5) + 6) + 7) + 8) + 9) + 10) + 11);
    if (sum < 0)
      throw std::runtime_error("overflow");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: exception thrown in a task and not caught there; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :[[@LINE-5]]:15: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  });
  t.join();
  return sum;
}
