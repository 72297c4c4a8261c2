#include <thread>

namespace proj {
struct latch {
  void arrive() {}
  void leave() {}
};
} // namespace proj

int main() {
  proj::latch l;
  std::thread t([&] {
    l.arrive();
    l.leave();
  });
  t.join();
}
