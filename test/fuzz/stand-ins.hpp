// What a fuzz input can include, under every header name the lit inputs
// include (CspFuzz.cpp): declarations of the APIs the checks know, under
// the names and with the shapes of the reference runtime
// (test/runtime/include) and the standard library, without their bodies.
// Parsing the real headers takes most of a second per input; this takes
// milliseconds, and the checks look at the calls, not at what they run.
#pragma once

using size_t = decltype(sizeof 0);
struct FILE;
extern "C" FILE *stdout, *stderr;
extern "C" int printf(const char *, ...);
extern "C" int fprintf(FILE *, const char *, ...);

namespace std {
using size_t = ::size_t;
using ::printf;
using ::FILE;
using ::fprintf;
int fflush(FILE *);
int atoi(const char *);
[[noreturn]] void _Exit(int);
char *getenv(const char *);
[[noreturn]] void terminate() noexcept;

template <class T> struct remove_reference { using type = T; };
template <class T> struct remove_reference<T &> { using type = T; };
template <class T> struct remove_reference<T &&> { using type = T; };
template <class T> typename remove_reference<T>::type &&move(T &&t) noexcept {
  return static_cast<typename remove_reference<T>::type &&>(t);
}
template <class T> T &&forward(typename remove_reference<T>::type &t) noexcept {
  return static_cast<T &&>(t);
}

class exception {
public:
  exception() noexcept;
  virtual ~exception();
  virtual const char *what() const noexcept;
};
class string {
public:
  string();
  string(const char *);
  string(const string &);
  ~string();
  const char *c_str() const;
  size_t size() const;
  bool empty() const;
  string &operator+=(const string &);
};
string operator+(const string &, const string &);
string to_string(int);
class logic_error : public exception { public: explicit logic_error(const string &); };
class invalid_argument : public logic_error { public: using logic_error::logic_error; };
class length_error : public logic_error { public: using logic_error::logic_error; };
class out_of_range : public logic_error { public: using logic_error::logic_error; };
class runtime_error : public exception { public: explicit runtime_error(const string &); };
class range_error : public runtime_error { public: using runtime_error::runtime_error; };

template <class T> class atomic {
public:
  atomic() noexcept;
  constexpr atomic(T) noexcept;
  T load() const noexcept;
  void store(T) noexcept;
  T fetch_add(T) noexcept;
  T fetch_sub(T) noexcept;
  T exchange(T) noexcept;
  bool compare_exchange_strong(T &, T) noexcept;
  operator T() const noexcept;
  T operator=(T) noexcept;
  T operator++() noexcept;
  T operator++(int) noexcept;
  T operator--() noexcept;
  T operator--(int) noexcept;
  T operator+=(T) noexcept;
};

template <class T> class reference_wrapper {
public:
  reference_wrapper(T &) noexcept;
  operator T &() const noexcept;
};
template <class T> reference_wrapper<T> ref(T &t) noexcept { return t; }
template <class T> class function;
template <class R, class... A> class function<R(A...)> {
public:
  function() noexcept;
  template <class F> function(F) {}
  R operator()(A...) const;
  explicit operator bool() const noexcept;
};

template <class T> struct default_delete {};
template <class T, class D = default_delete<T>> class unique_ptr {
public:
  unique_ptr() noexcept;
  explicit unique_ptr(T *) noexcept;
  unique_ptr(T *, D) noexcept;
  unique_ptr(unique_ptr &&) noexcept;
  ~unique_ptr();
  T *operator->() const noexcept;
  T &operator*() const noexcept;
  T *get() const noexcept;
};
template <class T, class... A> unique_ptr<T> make_unique(A &&...) { return {}; }
template <class T> class shared_ptr {
public:
  shared_ptr() noexcept;
  shared_ptr(const shared_ptr &) noexcept;
  ~shared_ptr();
  T *operator->() const noexcept;
  T &operator*() const noexcept;
};
template <class T, class... A> shared_ptr<T> make_shared(A &&...) { return {}; }

template <class T> struct initializer_list {
  const T *b;
  size_t n;
  const T *begin() const noexcept { return b; }
  const T *end() const noexcept { return b + n; }
};
template <class T> class vector {
public:
  vector();
  explicit vector(size_t);
  vector(size_t, const T &);
  vector(initializer_list<T>);
  template <class I> vector(I, I) {}
  vector &operator=(const vector &);
  vector &operator=(vector &&) noexcept;
  vector(const vector &);
  vector(vector &&) noexcept;
  ~vector();
  void push_back(const T &);
  void push_back(T &&);
  template <class... A> T &emplace_back(A &&...) { return back(); }
  template <class I> T *insert(const T *, I, I) { return nullptr; }
  void swap(vector &) noexcept;
  void reserve(size_t);
  void clear() noexcept;
  size_t size() const noexcept;
  bool empty() const noexcept;
  T &operator[](size_t);
  T &back();
  T *begin();
  T *end();
  const T *begin() const;
  const T *end() const;
};
template <class K, class V> class map {
public:
  map();
  ~map();
  struct value_type { K first; V second; };
  V &operator[](const K &);
  size_t count(const K &) const;
  value_type *begin();
  value_type *end();
  const value_type *begin() const;
  const value_type *end() const;
};

namespace chrono {
// One duration type: the checks never look at the period.
class duration {
public:
  constexpr duration() = default;
  constexpr duration(long long) {}
  long long count() const;
};
using nanoseconds = duration;
using microseconds = duration;
using milliseconds = duration;
using seconds = duration;
struct steady_clock {
  struct time_point {
    time_point operator+(nanoseconds) const;
    time_point &operator+=(nanoseconds);
    nanoseconds operator-(time_point) const;
    bool operator<(time_point) const;
    bool operator<=(time_point) const;
    bool operator>=(time_point) const;
    bool operator>(time_point) const;
  };
  static time_point now() noexcept;
};
} // namespace chrono
inline namespace literals {
inline namespace chrono_literals {
constexpr chrono::milliseconds operator""ms(unsigned long long n) { return n; }
constexpr chrono::seconds operator""s(unsigned long long n) { return n; }
} // namespace chrono_literals
} // namespace literals
namespace chrono { using namespace literals::chrono_literals; }

class mutex {
public:
  mutex() noexcept;
  void lock();
  bool try_lock();
  void unlock();
};
class timed_mutex {
public:
  void lock();
  bool try_lock();
  bool try_lock_for(chrono::nanoseconds);
  void unlock();
};
class recursive_mutex { public: void lock(); bool try_lock(); void unlock(); };
class shared_mutex { public: void lock(); bool try_lock(); void unlock(); };
struct defer_lock_t { explicit defer_lock_t() = default; };
inline constexpr defer_lock_t defer_lock{};
template <class M> class lock_guard {
public:
  explicit lock_guard(M &);
  ~lock_guard();
};
template <class M> class unique_lock {
public:
  explicit unique_lock(M &);
  unique_lock(M &, defer_lock_t) noexcept;
  ~unique_lock();
  void lock();
  bool try_lock();
  void unlock();
  bool owns_lock() const noexcept;
};
template <class... M> class scoped_lock {
public:
  explicit scoped_lock(M &...);
  ~scoped_lock();
};
class condition_variable {
public:
  void notify_one() noexcept;
  void notify_all() noexcept;
  void wait(unique_lock<mutex> &);
  template <class P> void wait(unique_lock<mutex> &, P) {}
};
struct once_flag { constexpr once_flag() noexcept = default; };
template <class F, class... A> void call_once(once_flag &, F &&, A &&...) {}

class stop_token { public: bool stop_requested() const noexcept; };
class thread {
public:
  thread() noexcept;
  template <class F, class... A> explicit thread(F &&, A &&...) {}
  thread(thread &&) noexcept;
  thread &operator=(thread &&) noexcept;
  ~thread();
  bool joinable() const noexcept;
  void join();
  void detach();
};
class jthread {
public:
  jthread() noexcept;
  template <class F, class... A> explicit jthread(F &&, A &&...) {}
  jthread(jthread &&) noexcept;
  ~jthread();
  bool joinable() const noexcept;
  void join();
  void detach();
  bool request_stop() noexcept;
};
class latch {
public:
  explicit latch(long);
  void count_down(long = 1);
  void wait() const;
  void arrive_and_wait(long = 1);
};
enum class launch { async = 1, deferred = 2 };
template <class T> class future {
public:
  future() noexcept;
  future(future &&) noexcept;
  future &operator=(future &&) noexcept;
  ~future();
  T get();
  void wait() const;
  bool valid() const noexcept;
};
template <class T> class shared_future { public: const T &get() const; void wait() const; };
template <class F, class... A> auto async(F &&f, A &&...a) -> future<decltype(f(a...))> {
  return {};
}
template <class F, class... A> auto async(launch, F &&f, A &&...a) -> future<decltype(f(a...))> {
  return {};
}
} // namespace std

namespace csp {
template <class T> struct recv_result {
  T value;
  bool ok;
};
template <class T> class recv_chan {
public:
  using value_type = T;
  T recv() const;
  recv_result<T> recv_ok() const;
  size_t len() const;
  size_t cap() const;
  T *begin() const;
  T *end() const;
};
template <class T> class send_chan {
public:
  using value_type = T;
  void send(T) const;
  void close() const;
  size_t len() const;
};
template <class T> class chan {
public:
  using value_type = T;
  chan();
  void send(T) const;
  T recv() const;
  recv_result<T> recv_ok() const;
  void close() const;
  size_t len() const;
  size_t cap() const;
  T *begin() const;
  T *end() const;
  operator send_chan<T>() const;
  operator recv_chan<T>() const;
  explicit operator bool() const;
};
template <class T> chan<T> make_chan(size_t capacity = 0);
struct select_case {};
template <class C, class H> select_case recv_case(const C &, H) { return {}; }
template <class C, class H> select_case send_case(const C &, typename C::value_type, H) {
  return {};
}
template <class H> select_case default_case(H) { return {}; }
template <class... C> void select(C &&...);
template <class F, class... A> void go(F &&, A &&...) {}
void sleep(std::chrono::nanoseconds);
size_t num_tasks();
struct panic_error : std::runtime_error { using std::runtime_error::runtime_error; };
[[noreturn]] void panic(const std::string &);

class wait_group {
public:
  wait_group();
  wait_group(const wait_group &) = delete;
  void add(int);
  void done();
  void wait();
};
class error {
public:
  error();
  explicit error(std::string);
  explicit operator bool() const;
  std::string message() const;
};
using cancel_func = std::function<void()>;
class context {
public:
  recv_chan<int> done() const;
  error err() const;
};
context background();
struct context_and_cancel { context ctx; cancel_func cancel; };
context_and_cancel with_cancel(const context &);
context_and_cancel with_timeout(const context &, std::chrono::nanoseconds);
class semaphore {
public:
  explicit semaphore(long long);
  void acquire(const context &, long long);
  bool try_acquire(long long);
  void release(long long);
};
class errgroup {
public:
  template <class F> void go(F &&) {}
  error wait();
};
} // namespace csp

namespace boost::fibers {
enum class channel_op_status { success, empty, full, closed, timeout };
class fiber_error : public std::exception {};
class fiber {
public:
  fiber() noexcept;
  template <class F, class... A> explicit fiber(F &&, A &&...) {}
  fiber(fiber &&) noexcept;
  ~fiber();
  bool joinable() const noexcept;
  void join();
  void detach();
};
template <class T> class buffered_channel {
public:
  explicit buffered_channel(size_t);
  channel_op_status push(const T &);
  channel_op_status try_push(const T &);
  channel_op_status pop(T &);
  channel_op_status try_pop(T &);
  T value_pop();
  void close() noexcept;
  T *begin();
  T *end();
};
template <class T> class unbuffered_channel {
public:
  channel_op_status push(const T &);
  channel_op_status pop(T &);
  T value_pop();
  void close() noexcept;
  T *begin();
  T *end();
};
class mutex { public: void lock(); bool try_lock(); void unlock(); };
} // namespace boost::fibers
namespace boost::this_fiber { void yield() noexcept; }
