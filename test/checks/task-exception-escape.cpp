// RUN: %check_csp_tidy %s csp-task-exception-escape %t

#include <csp/csp.hpp>

#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

void consume(int);

// ===== Positive: an exception can leave the task. =====

int process(int j) {
  if (j == 7)
    csp::panic("seven is bad");
  return j * j;
}

// The seed's shape: a helper panics, the worker does not recover.
void workers(csp::chan<int> jobs, csp::wait_group &wg) {
  for (int w = 0; w < 3; ++w) {
    wg.add(1);
    csp::go([&wg, jobs] {
      for (int j : jobs)
        consume(process(j));
      // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'process' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
      // CHECK-MESSAGES: :[[@LINE-12]]:5: note: the exception is thrown here, in 'process'
      // CHECK-MESSAGES: :[[@LINE-5]]:5: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
      wg.done();
    });
  }
}

// A throw written in a std::thread's lambda.
void threadThrows(int n) {
  std::thread t([n] {
    if (n < 0)
      throw std::invalid_argument("negative");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: exception thrown in a task and not caught there; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :[[@LINE-4]]:15: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
    consume(n);
  });
  t.join();
}

// A named function as the task of a jthread, through two helpers.
int parse(const std::string &s) {
  if (s.empty())
    throw std::runtime_error("empty");
  return static_cast<int>(s.size());
}
int parseTwice(const std::string &s) { return parse(s) + parse(s); }
void parser(std::string input) { consume(parseTwice(input)); }
// CHECK-MESSAGES: :[[@LINE-1]]:42: warning: 'parseTwice' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
// CHECK-MESSAGES: :[[@LINE-6]]:5: note: the exception is thrown here, in 'parse'
// CHECK-MESSAGES: :[[@LINE+3]]:16: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()

void startParser() {
  std::jthread t(parser, std::string("x"));
}

// The handler catches something else, or rethrows.
void wrongHandler() {
  std::vector<std::thread> threads;
  threads.emplace_back([] {
    try {
      consume(parse(""));
      // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'parse' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
      // CHECK-MESSAGES: :[[@LINE-20]]:5: note: the exception is thrown here, in 'parse'
      // CHECK-MESSAGES: :[[@LINE-5]]:3: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
    } catch (const std::logic_error &) {
    }
  });
  threads.emplace_back([] {
    try {
      consume(parse(""));
    } catch (...) {
      throw;
      // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: exception thrown in a task and not caught there; an exception that escapes a task ends the whole program [csp-task-exception-escape]
      // CHECK-MESSAGES: :[[@LINE-6]]:3: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
    }
  });
  for (auto &t : threads)
    t.join();
}

// A member function as the task, a lambda kept in a variable, a branch.
struct Server {
  void serve(int port) {
    if (port == 0)
      throw std::out_of_range("port");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: exception thrown in a task and not caught there; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :[[@LINE+3]]:17: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  }
  void start(int port) {
    std::thread t(&Server::serve, this, port);
    t.detach();
  }
};

void lambdaInVariable(bool strict) {
  auto task = [strict] {
    if (strict)
      csp::panic("strict mode");
    // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'panic' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :[[@LINE+2]]:3: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  };
  csp::go(task);
}

// A lambda and a function object as helpers.
struct Validator {
  void operator()(int x) const {
    if (x < 0)
      throw std::invalid_argument("negative");
  }
};
void functors() {
  std::thread a([] {
    auto check = [](int x) {
      if (x < 0)
        throw std::range_error("negative");
    };
    check(1);
    // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: 'lambda' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
    // CHECK-MESSAGES: :[[@LINE-4]]:9: note: the exception is thrown here, in 'lambda'
    // CHECK-MESSAGES: :[[@LINE-8]]:15: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  });
  std::thread b([] { Validator{}(3); });
  // CHECK-MESSAGES: :[[@LINE-1]]:22: warning: 'Validator::operator()' can throw, and the task does not catch it; an exception that escapes a task ends the whole program [csp-task-exception-escape]
  // CHECK-MESSAGES: :[[@LINE-16]]:7: note: the exception is thrown here, in 'Validator::operator()'
  // CHECK-MESSAGES: :[[@LINE-3]]:15: note: the task is started here; catch the exception inside it, or start it with std::async, whose future hands it to the caller of get()
  a.join();
  b.join();
}

// ===== Negative: caught inside the task, or forwarded by the spawn. =====

// A throw in a discarded `if constexpr` branch; a virtual call that may
// reach an override that does not throw.
constexpr bool Strict = false;
void validate(int x) {
  if constexpr (Strict) {
    if (x < 0)
      throw std::logic_error("negative");
  }
}
struct Job {
  virtual ~Job() = default;
  virtual void run() { throw std::logic_error("not implemented"); }
};
void notThrowing(Job *job) {
  std::thread t([job] {
    validate(1);
    job->run();
  });
  t.join();
}

// The seed's fix: each job under a catch (Go's recover).
void recovered(csp::chan<int> jobs) {
  csp::go([jobs] {
    for (int j : jobs) {
      try {
        consume(process(j));
      } catch (const csp::panic_error &) {
      }
    }
  });
}

// A handler for a base class, and catch (...).
void caughtByBase() {
  std::thread t([] {
    try {
      consume(parse(""));
    } catch (const std::exception &) {
    }
    try {
      throw 42;
    } catch (...) {
    }
    try {
      throw "bad";
    } catch (const char *) {
    }
  });
  t.join();
}

// std::async keeps the exception for whoever calls get().
void forwardedByAsync() {
  auto f = std::async(std::launch::async, [] { return parse(""); });
  try {
    consume(f.get());
  } catch (const std::exception &) {
  }
}

// A throw in the spawner, not in the task; a lambda in the task that runs
// elsewhere; a noexcept helper.
void log(const std::string &) noexcept;
void notInTheTask(int n) {
  if (n < 0)
    throw std::invalid_argument("n");
  csp::go([n] {
    auto later = [n] {
      if (n > 100)
        throw std::length_error("n");
    };
    (void)later;
    log("started");
  });
}

// A helper whose own handler deals with it.
int safeParse(const std::string &s) {
  try {
    return parse(s);
  } catch (const std::runtime_error &) {
    return 0;
  }
}
void safeWorker() {
  std::jthread t([] { consume(safeParse("")); });
}
