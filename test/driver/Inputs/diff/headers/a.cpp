#include "queue.h"

int main() {
  csp::wait_group own;
  csp::go([&] {
    own.add(1);
    own.done();
  });
  own.wait();
  drain();
}
